/**
 * Open/close bookkeeping shared by the stream renderers whose answers are a sequence of content blocks
 * (Anthropic Messages `content_block_*`, Responses `output_item.*`): at most one block is open; opening one
 * closes the open one; text and reasoning deltas continue the open block of their kind; tool-call argument
 * deltas go to their call's block even after another block has opened (interleaved parallel calls).
 */
export type BlockKind = 'text' | 'reasoning' | 'tool';

export interface TrackedBlock {
  readonly kind: BlockKind;
  /** Position in the answer: 0, 1, 2, … in opening order. */
  readonly position: number;
}

export class ContentBlockTracker<B extends TrackedBlock> {
  #open: B | undefined;
  #count = 0;
  readonly #tools = new Map<number, B>();

  /** `onClose` writes the closing events of a block (it is called while the block is still the open one). */
  constructor(private readonly onClose: (block: B, out: string[]) => void) {}

  get current(): B | undefined {
    return this.#open;
  }

  /** The open block when it is of `kind`; else `make` opens a new one (after closing the open block). */
  continue(out: string[], kind: 'text' | 'reasoning', make: (position: number) => B): B {
    const open = this.#open;
    if (open !== undefined && open.kind === kind) return open;
    return this.open(out, make);
  }

  /** Closes the open block and opens the one `make` builds at the next position. */
  open(out: string[], make: (position: number) => B): B {
    this.close(out);
    const block = make(this.#count++);
    this.#open = block;
    return block;
  }

  /** Opens the block of a tool call and remembers it under the call's canonical index. */
  openTool(out: string[], toolIndex: number, make: (position: number) => B): B {
    const block = this.open(out, make);
    this.#tools.set(toolIndex, block);
    return block;
  }

  /** The block of a tool call opened earlier (open or closed). */
  tool(toolIndex: number): B | undefined {
    return this.#tools.get(toolIndex);
  }

  close(out: string[]): void {
    const open = this.#open;
    if (open === undefined) return;
    this.onClose(open, out);
    this.#open = undefined;
  }
}
