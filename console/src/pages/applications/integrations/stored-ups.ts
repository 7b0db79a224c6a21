/**
 * Reads the lines of a streamed REST answer (`{"result": …}` per line, TTS's form of a
 * server stream; an `{"error": …}` line ends it with an error).
 */
export function streamResults<T>(text: string): { results: T[]; error?: string } {
  const results: T[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { results, error: "The server's answer is not JSON" };
    }
    if (typeof parsed !== "object" || parsed === null) continue;
    const object = parsed as { result?: T; error?: { message?: string } };
    if (object.error) return { results, error: object.error.message ?? "The stream failed" };
    if (object.result !== undefined) results.push(object.result);
  }
  return { results };
}
