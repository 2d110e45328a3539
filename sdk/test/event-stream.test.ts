import { readServerSentEvents } from '@portico/sdk';

/** A body that arrives in exactly these pieces, as a slow network would cut it. */
const body = (...pieces: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
      controller.close();
    },
  });

async function all(stream: ReadableStream<Uint8Array>) {
  const events = [];
  for await (const event of readServerSentEvents(stream)) events.push(event);
  return events;
}

describe('readServerSentEvents', () => {
  it('when events arrive cut anywhere, with CRLF, comments and multi-line data, then each is read whole', async () => {
    const events = await all(
      body(
        'event: sta',
        'tus\r\nid: 0\r\ndata: {"a":1}\r',
        '\n\r\n: keep-alive\n\n',
        'data: one\ndata:two\n\n',
      ),
    );
    expect(events).toEqual([
      { event: 'status', id: '0', data: '{"a":1}' },
      { event: 'message', id: '0', data: 'one\ntwo' },
    ]);
  });

  it('when the stream ends inside an event, then that half event is dropped', async () => {
    expect(await all(body('data: whole\n\n', 'data: half'))).toEqual([
      { event: 'message', id: undefined, data: 'whole' },
    ]);
  });
});
