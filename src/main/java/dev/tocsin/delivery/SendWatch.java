package dev.tocsin.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What a channel asks and tells while it sends a chunk, one notice at a time. Asked just before each notice
 * goes out: after a pause or cancel has answered, nothing more leaves but the notice already on each
 * connection's wire. Told as soon as a provider answered a notice: the outcome is stored within milliseconds,
 * so a crash re-sends only what was in flight, not a whole chunk.
 */
public interface SendWatch {

    /** False when the notice's campaign was paused or cancelled meanwhile: leave it and report {@link SendResult#held}. */
    boolean mayStillSend(long deliveryId);

    /** The provider's answer to one notice (any outcome but held), as soon as it is known. */
    void answered(SendResult result);

    /** For callers outside a campaign's sending (tests, tools): everything may go, nothing listens. */
    SendWatch NONE = new SendWatch() {
        @Override
        public boolean mayStillSend(long deliveryId) {
            return true;
        }

        @Override
        public void answered(SendResult result) {
            // nobody records
        }
    };

    /** Sends one message after another: asks before each, tells after each. */
    static <M> List<SendResult> oneByOne(List<M> messages, ToLongFunction<M> idOf, Function<M, SendResult> sendOne,
                                         SendWatch watch) {
        List<SendResult> results = new ArrayList<>(messages.size());
        for (M message : messages) {
            long id = idOf.applyAsLong(message);
            if (!watch.mayStillSend(id)) {
                results.add(SendResult.held(id));
                continue;
            }
            SendResult result = sendOne.apply(message);
            watch.answered(result);
            results.add(result);
        }
        return results;
    }
}
