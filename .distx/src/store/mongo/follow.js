export async function follow(stream, handle, 
/** What an error becomes before it is thrown or reported (a lost position, say). */
failed, onError) {
    // Our own flag: on an error it cannot resume from, the driver closes the stream before it
    // rejects next(), so `stream.closed` cannot tell a deliberate close from a failure.
    let closing = false;
    let first;
    try {
        first = await stream.tryNext();
    }
    catch (error) {
        closing = true;
        await stream.close();
        throw failed(error);
    }
    const loop = (async () => {
        let change = first;
        while (!closing) {
            if (change)
                await handle(change);
            change = await stream.next().catch((error) => {
                if (closing)
                    return null;
                throw error;
            });
        }
    })().catch(async (error) => {
        closing = true;
        await stream.close().catch(() => undefined);
        onError(failed(error));
    });
    return {
        close: async () => {
            closing = true;
            await stream.close();
            await loop;
        },
    };
}
//# sourceMappingURL=follow.js.map