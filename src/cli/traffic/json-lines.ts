/**
 * The lines of a byte stream as they come: a chunk is split at newlines, the unfinished
 * rest waits for the next chunk, so nothing but the current line is ever held. Blank lines
 * (the separators of `text/event-stream` framing) are skipped.
 */
export async function* linesOf(stream: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf("\n");
    while (newline >= 0) {
      const line = rest.slice(0, newline).trim();
      rest = rest.slice(newline + 1);
      if (line) yield line;
      newline = rest.indexOf("\n");
    }
  }
  rest += decoder.decode();
  if (rest.trim()) yield rest.trim();
}
