/** One server-sent event: its type (`message` unless named), `id` if it had one, and its data. */
export type ServerSentEvent = { event: string; id: string | undefined; data: string };

/**
 * Parses a `text/event-stream` body (WHATWG HTML §9.2.6) into its events, as
 * they arrive. Comments (keep-alives) are skipped. Read with `getReader`, not
 * `for await`, so it also runs in browsers whose streams are not iterable.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  let event = '';
  let id: string | undefined;
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      // Lines end in CRLF, LF or CR; a CR at the very end may be half of a CRLF.
      const lines = buffered.split(/\r\n|\n|\r(?!$)/);
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', id, data: data.join('\n') };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const raw = colon === -1 ? '' : line.slice(colon + 1);
        const text = raw.startsWith(' ') ? raw.slice(1) : raw;
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'id' && !text.includes('\0')) id = text;
      }
    }
  } finally {
    // The consumer stopped early (or the body failed): release the connection.
    await reader.cancel().catch(() => {});
  }
}
