// Names the code never reads, which tsc reports under noUnusedLocals and
// noUnusedParameters (TS6133): instrumented, they must still be reported.
export function pad(text: string, width: number, fill: string): string {
  const unused = text.length;
  let written = 0;
  written = 2;
  let counted = 0;
  counted++;
  const used = text.padEnd(width);
  return used;
}

export class Box {
  constructor(private readonly size: number, extra: number) {
    const scaled = this.size * 2;
    void scaled;
  }
}

export const handler = async (event: string, context: object): Promise<string> => {
  const reply = event.toUpperCase();
  return reply;
};
