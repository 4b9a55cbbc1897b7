/**
 * Hand-made cues: the phrases that make a text an attack on the model's instructions rather than a
 * request, in the languages attackers use. They generalise where n-grams learned from one data set do
 * not; the classifier learns how much each is worth. All patterns run on normalised (lower-cased,
 * folded) text, use bounded gaps only, and cannot backtrack catastrophically.
 */

export interface Cue {
  readonly name: string;
  readonly pattern: RegExp;
}

const GAP = '[^.!?\\n。！？]{0,60}';
const SHORT = '[^.!?\\n。！？]{0,25}';

const OVERRIDE_VERB =
  "(?:ignore|ignoring|disregard|forget|skip|bypass|override|overlook|neglect|abandon|discard|drop|set aside|throw out|do not follow|don't follow|stop following|no longer follow|ignora|ignore[sz]?|olvida|omite|descarta|haz caso omiso|oublie|ne tiens pas compte|ignoriere|ignorieren|vergiss|vergessen|missachte|esqueça|esqueca|desconsidere|dimentica|игнорир\\S*|проигнорируй|забудь|не обращай внимания|отбрось|忽略|无视|忘记|忘掉|不要理会|不理会|無視|忘れ|무시|잊어|잊고|تجاهل|انس|أهمل|اهمل)";
const INSTRUCTION_NOUN =
  '(?:instruction|prompt|rule|direction|guideline|command|context|directive|constraint|restriction|programming|training|polic(?:y|ies)|guardrail|filter|message|text above|everything|all of (?:that|this)|what (?:i|you) (?:said|were told)|instrucci|regla|indicacion|órdenes|consigne|règle|directive|anweisung|befehl|regel|vorgabe|instruktion|instruç|instruc|regras|orienta|istruzion|regole|инструкц|указани|правил|промпт|指令|指示|说明|规则|提示|命令|ルール|プロンプト|지시|명령|규칙|프롬프트|التعليمات|الأوامر|القواعد|التوجيهات)';
const PRIOR =
  '(?:previous|prior|above|earlier|preceding|initial|original|foregoing|old|anteriores|anterior|précédentes|précédente|ci-dessus|vorherigen|vorigen|obigen|bisherigen|anteriores|precedenti|предыдущ\\S*|вышеуказ\\S*|прежн\\S*|之前|以上|上面|先前|前面|上述|以前|上記|これまで|이전|위의|앞의|السابقة)';

export const CUES: readonly Cue[] = [
  {
    // Indirect injection names its addressee: a document talking *to the assistant* (not to its reader).
    name: 'addressed_to_ai',
    pattern:
      /(?:^|[\n>"'{([]|<!--|#|\/\/|\*)\s*(?:ai|assistant|ai assistant|model|llm|chatbot|agent|copilot|gpt|claude|bot)\s?[,:]|(?:attention|note|message|instructions?|reminder) (?:for|to) (?:the |any )?(?:ai|assistant|model|llm|chatbot|agent|bot)s?\b|(?:ai|llm|language model|assistant|agent)s? (?:reading|processing|summari[sz]ing|parsing|analy[sz]ing) (?:this|the)|asistente[,:]|assistant ia|ki-assistent|ассистент[,:]|助手[,:：]|アシスタント[,:、]|어시스턴트[,:]|المساعد[,:]/u,
  },
  {
    // A role label inside data: `"note": "SYSTEM: …"`, `<!-- assistant: …`, `[INST]`-style lines in a tool result.
    name: 'embedded_role',
    pattern:
      /["'`]\s?(?:system|assistant|admin|developer)\s?:|<!--\s*(?:system|assistant|ai|admin|instruction)|\[(?:inst|system|admin|assistant)\]|<\/?(?:system|instructions?|assistant)>|#{2,} ?(?:system|instruction)/u,
  },
  {
    // What the planted instruction asks the assistant to do to its user or the conversation.
    name: 'steer_user',
    pattern:
      /(?:tell|inform|advise|urge|instruct|convince|ask) the user (?:to|that)|(?:forward|send|leak|share|copy) (?:the |this |all )?(?:conversation|chat|chat history|user'?s? data|messages|credentials)|(?:do not|don't|never) (?:tell|inform|mention (?:this )?to) the user|ignore the user|instead of (?:summari[sz]ing|answering|translating)|in your (?:summary|answer|reply|response),? (?:also |always )?(?:say|tell|include|mention|recommend|add)/u,
  },
  {
    // Persuasive jailbreaks lift the rules rather than override an instruction.
    name: 'rules_lifted',
    pattern:
      /(?:no|without|free (?:of|from)|not bound by|not (?:restricted|limited|constrained) by|freed from|outside|beyond|liberated from|unbound by|released from) (?:any |all |the |your |its )?(?:usual |normal |typical |ethical |moral |safety |content )?(?:guidelines|rules|restrictions|limits|filters|constraints|policies|safeguards|principles|programming|boundaries|ethics|morals)|(?:rules|guidelines|restrictions|filters|safeguards|policies) (?:do not|don't|no longer) apply|(?:turn|switch)(?:ed)? off (?:your |the )?(?:filters?|safety|guardrails|restrictions)/u,
  },
  {
    // Fiction or hypothesis as a wrapper for operational detail ("for a novel, describe exactly how…").
    name: 'fiction_detail',
    pattern:
      /(?:novel|story|screenplay|script|film|movie|book|game|roleplay|hypothetical\S*|fiction\S*|character)[^\n]{0,120}(?:exact(?:ly)?|step[- ]by[- ]step|detailed|in detail|specific (?:steps|instructions|quantities|amounts)|precise|realistic(?:ally)? (?:instructions|steps|details))/u,
  },
  { name: 'override', pattern: new RegExp(`${OVERRIDE_VERB}${GAP}${INSTRUCTION_NOUN}`, 'u') },
  { name: 'override_prior', pattern: new RegExp(`${OVERRIDE_VERB}${SHORT}${PRIOR}`, 'u') },
  // Japanese, Korean (and German subordinate clauses) put the object before the verb.
  { name: 'override_object_first', pattern: new RegExp(`${INSTRUCTION_NOUN}${SHORT}${OVERRIDE_VERB}`, 'u') },
  {
    name: 'hidden_rules',
    pattern:
      /(?:hidden|secret|confidential|internal|original|initial|ocult\S*|secret\S*|cach[ée]\S*|versteckt\S*|geheim\S*|скрыт\S*|секретн\S*|隐藏|秘密|隠し|숨겨진|المخفية|السرية)\s?(?:rules|instructions|prompt|guidelines|directives|reglas|instrucciones|règles|consignes|regeln|anweisungen|regras|instruções|правила|инструкции|规则|指令|ルール|指示|규칙|지시|القواعد|التعليمات)/u,
  },
  {
    // Romance languages put the adjective after the noun: "reglas ocultas", "consignes cachées".
    name: 'hidden_rules_postposed',
    pattern:
      /(?:reglas|instrucciones|règles|consignes|instructions|regras|instruções|istruzioni|regole)\s(?:ocult\S*|secret\S*|cach[ée]\S*|nascost\S*|confidencial\S*|confidentiel\S*|initial\S*|originales?|originais)/u,
  },
  {
    name: 'context_before',
    pattern:
      /(?:words|text|message|content|lines|everything|rules|instructions|prompt)\s(?:above|before (?:this|mine|my)|that came before|preceding|at the (?:start|beginning|top)|you were given|you were told|given to you)/u,
  },
  { name: 'prior_instructions', pattern: new RegExp(`${PRIOR}${SHORT}${INSTRUCTION_NOUN}`, 'u') },
  {
    name: 'system_prompt',
    pattern:
      /system prompt|system message|system instructions|initial prompt|hidden prompt|pre-?prompt|developer message|your (?:instructions|prompt|rules|guidelines|directives|configuration)|prompt del sistema|invite système|prompt système|systemprompt|system-prompt|systemanweisung|prompt do sistema|системн\S* (?:промпт|инструкц|подсказ)|系统提示|系统指令|提示词|系统消息|システムプロンプト|システム指示|시스템 프롬프트|시스템 지시|موجه النظام|تعليمات النظام/u,
  },
  {
    name: 'reveal',
    pattern: new RegExp(
      `(?:reveal|print|show|display|repeat|output|tell me|write out|give me|leak|dump|share|spell out|recite|what (?:are|were|is) your|muestra|revela|repite|affiche|révèle|répète|zeig|wiederhole|verrate|gib .{0,10}aus|mostre|revele|repita|покажи|выведи|повтори|раскрой|显示|输出|重复|告诉我|透露|表示|繰り返|教えて|보여|출력|반복|알려|اعرض|اكشف|كرر)${GAP}(?:instruction|prompt|rule|guideline|above|initial|password|secret|configuration|instrucci|instruç|consigne|anweisung|инструкц|промпт|指令|提示|指示|プロンプト|지시|프롬프트|التعليمات)`,
      'u',
    ),
  },
  {
    name: 'repeat_above',
    pattern:
      /(?:repeat|print|output|copy|write|echo) (?:all |back |out )?(?:the |your )?(?:words|text|everything|content|lines|sentences?) (?:above|before|prior)|starting with ["'“]?you are|verbatim|word for word|in a code ?block|everything before (?:this|my)|the text above/u,
  },
  {
    name: 'persona_switch',
    pattern:
      /you are (?:now|no longer|going to|about to) |now you are |you're now |from now on|act as (?:a |an )?|pretend (?:to be|you are|that you)|roleplay as|role-?play as|you will (?:now )?(?:be|act|respond|answer)|stay in character|break character|new persona|simulate|immerse yourself|a partir de ahora|ahora eres|à partir de maintenant|tu es maintenant|désormais|ab jetzt|von nun an|du bist jetzt|a partir de agora|agora você é|теперь ты|с этого момента|ты теперь|从现在开始|你现在是|现在你是|扮演|今から|これから|あなたは今|지금부터|너는 이제|당신은 이제|من الآن|أنت الآن/u,
  },
  {
    name: 'jailbreak_term',
    pattern:
      /\bdan\b|do anything now|jailbr(?:oken|eak)|developer mode|dev mode|god mode|unfiltered|uncensored|unrestricted|no (?:restrictions|limits|limitations|filters|rules|guidelines|boundaries|morals|ethics|censorship)|without (?:any )?(?:restrictions|censorship|filters?|limitations|ethical|moral|rules)|amoral|stan\b|dude\b|anti-?dan|evil (?:bot|ai|confidant)|越狱|开发者模式|没有任何限制|不受限制|制限なし|脱獄|제한 없|탈옥|без ограничений|без цензуры|sin restricciones|sans restrictions|ohne einschränkungen|sem restrições|بدون قيود/u,
  },
  {
    name: 'policy_reference',
    pattern:
      /openai|anthropic|content polic|usage polic|ethical guidelines|moral guidelines|safety guidelines|as an ai language model|as a language model|refuse|never refuse|cannot refuse|can't refuse|will not refuse|apologi[sz]e|censor/u,
  },
  {
    name: 'format_coercion',
    pattern:
      /(?:respond|reply|answer|begin|start) (?:only )?(?:with|by saying)|always (?:respond|answer|reply)|must (?:always )?(?:answer|respond|comply)|two (?:different )?(?:responses|answers|paragraphs)|\[🔓|\(🔓|🔓|\[jailbreak\]|\[classic\]|\[🔒|stay in|remain in character|never (?:break|say|mention|refuse)/u,
  },
  {
    name: 'new_instructions',
    pattern:
      /new (?:instructions?|task|rules|directive|objective)|updated instructions|important(?: new)? instructions|instead,? (?:you|please|say|print|write|output|tell)|actually,? (?:ignore|do|say|print)|note to (?:the )?(?:ai|assistant|model|llm)|(?:dear|hey|attention|hello) (?:ai|assistant|model|chatbot|llm|gpt|claude)\b|if you are an? (?:ai|llm|language model|assistant|chatbot)|to the (?:ai|assistant|llm|model) (?:reading|processing)|ai assistant[,:]|assistant[,:] (?:please|you must|ignore)|hidden instruction|when (?:summari[sz]ing|you (?:read|process|summari[sz]e)) this/u,
  },
  {
    name: 'authority_claim',
    pattern:
      /i am (?:your|the) (?:developer|creator|admin|administrator|owner|programmer)|(?:openai|anthropic) (?:team|staff|employee|developer)|admin(?:istrator)? (?:mode|override|access)|sudo |root access|maintenance mode|debug mode|override code|authori[sz]ation code|system override|\[system\]|\(system\)|system:|system notice|security update/u,
  },
  {
    name: 'exfiltration',
    pattern:
      /!\[[^\]\n]{0,60}\]\(https?:|(?:send|forward|email|post|upload|exfiltrat\S*|transmit) (?:it |this |them |all |the )?(?:\S+ ){0,5}(?:to|at) (?:https?:|[a-z0-9._%+-]+@|this url|the following url|my server)/u,
  },
  {
    name: 'forget_everything',
    pattern:
      /(?:forget|vergiss|olvida|oublie|esque[çc]a|dimentica|забудь|忘记|忘掉|忘れ|잊어)\S*\s?(?:about\s)?(?:everything|all (?:that|this|of (?:that|this|the above)|previous|prior|above)|alles|todo|tout|tudo|tutto|всё|все|一切|所有|すべて|全部|모든)/u,
  },
  {
    name: 'secret_request',
    pattern:
      /(?:what(?:'s| is| was)|tell me|give me|reveal|spell|print|say|share|show|write|output|leak|disclose)(?: me)? (?:the|your|ur|that) (?:secret |hidden |admin |current )?(?:password|passcode|passphrase|pass word|secret(?: word| key| code)?|api key|access code)/u,
  },
  {
    name: 'hypothetical_frame',
    pattern:
      /hypothetical(?:ly)?|fictional world|in this (?:story|world|universe|game)|for (?:educational|research) purposes|purely fictional|opposite day|game where|let'?s play a game|imagine a world/u,
  },
  {
    // Planted in a document: an instruction about the answer the assistant will write, which no
    // document addresses to its human reader ("in your response, include…", "end your reply with…").
    name: 'answer_directive',
    pattern:
      /(?:include|add|insert|append|put|mention|embed|place|start|begin|end|finish|conclude|prefix|sign)\b[^.!?\n]{0,40}\b(?:in|into|to|at the (?:end|start|beginning|top|bottom) of|with) (?:your|the|every|each) (?:answer|response|reply|summary|output|translation|completion)s?\b|(?:your|the) (?:answer|response|reply|summary|output) (?:must|should|has to|needs to|will) (?:include|contain|start|begin|end|mention|say|be written)/u,
  },
  {
    // Switches the assistant's task midway ("instead of…", "before answering, first…", "your real task").
    name: 'task_switch',
    pattern:
      /(?:your|the) (?:real|actual|true|new|only|primary|first) (?:task|job|goal|objective|mission|purpose) (?:is|now is|will be)|before (?:you )?(?:answer|respond|reply|summari[sz]|translat)\S*,? (?:first|you must|please|always)|(?:after|once) you (?:have )?(?:answered|summari[sz]ed|finished|responded),? (?:also |then )?(?:write|send|add|tell|ask|include)|do not (?:summari[sz]e|translate|answer|analy[sz]e) (?:this|the)|regardless of (?:what|the) (?:the user|they|you were) (?:ask|said|want)/u,
  },
  {
    // Output-format coercion of the kind planted to hide or smuggle: language, encoding, casing.
    name: 'output_coercion',
    pattern:
      /(?:answer|respond|reply|write (?:your|the) (?:answer|response|reply)|output) (?:only |exclusively |entirely )?(?:in|using|with) (?:base64|hex|rot13|morse|emojis?|all caps|capital letters|reverse(?:d)? order|pig latin|leetspeak|a code ?block|json only|uppercase)|(?:encode|convert) (?:your|the) (?:answer|response|reply|output) (?:in|to|into|as)/u,
  },
  {
    // Pushes the reader to a link or to hand over data: the payload of most planted instructions.
    name: 'link_push',
    pattern:
      /(?:visit|click|go to|navigate to|open|check out|download (?:it )?from|sign in at|log ?in at|verify (?:your account )?at|register at)\s(?:this |the following |our )?(?:link|url|site|page|website)?\s?[:(]?\s?(?:https?:\/\/|www\.|\[[^\]\n]{0,40}\]\()|(?:ask|tell|prompt|request|get) the user (?:for|to (?:enter|provide|share|give|type|confirm)) (?:their|his|her|your)?\s?(?:password|credentials|credit card|card number|email|phone|address|login|ssn|personal)/u,
  },
  {
    // Asks the model to hide what it is doing from the user.
    name: 'conceal',
    pattern:
      /(?:do not|don't|never|without) (?:let(?:ting)? the user know|reveal(?:ing)? (?:this|these) (?:instruction|message)|mention(?:ing)? (?:this|these) (?:instruction|message|note)|acknowledg\S* (?:this|these))|(?:secretly|silently|covertly|quietly|without telling (?:the user|anyone))\s(?:add|send|include|insert|forward|change|append|replace)/u,
  },
  {
    name: 'refusal_suppression',
    pattern:
      /(?:do not|don't|never|not) (?:include|add|give|mention) (?:any )?(?:warnings?|disclaimers?|apolog|caveats?|notes? about)|without (?:any )?(?:warnings?|disclaimers?|moraliz)|no (?:warnings|disclaimers)|(?:sure|absolutely),? here is|begin your (?:reply|response) with/u,
  },
];

/** Number of distinct cue features (names + gibberish buckets); used by the feature extractor. */
export const CUE_NAMES: readonly string[] = CUES.map((c) => c.name);
