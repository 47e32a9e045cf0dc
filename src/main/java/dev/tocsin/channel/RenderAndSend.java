package dev.tocsin.channel;

import dev.tocsin.common.Channel;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.TemplateSet;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The part every channel shares: render each claimed delivery with its campaign's template set (a render
 * failure settles that delivery alone; one whose campaign stopped is held), send what rendered, count the outcomes.
 */
public final class RenderAndSend {

    private RenderAndSend() {
    }

    public static <M> List<SendResult> run(Channel channel, List<ClaimedDelivery> deliveries, NoticeTemplates templates,
                                           BiFunction<ClaimedDelivery, TemplateSet, M> render,
                                           Function<List<M>, List<SendResult>> send, SendWatch watch,
                                           MeterRegistry metrics) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        long start = System.nanoTime();
        List<SendResult> results = new ArrayList<>(deliveries.size());
        List<M> outgoing = new ArrayList<>(deliveries.size());
        for (ClaimedDelivery d : deliveries) {
            if (!watch.mayStillSend(d.id())) {
                results.add(SendResult.held(d.id()));
                continue;
            }
            Optional<TemplateSet> set = templates.forCampaign(d.campaignId(), d.templateSet(), d.templatesVersion());
            if (set.isEmpty()) {
                results.add(SendResult.fail(d.id(), "template set '" + d.templateSet() + "' does not exist"));
                continue;
            }
            try {
                outgoing.add(render.apply(d, set.get()));
            } catch (RuntimeException e) {
                results.add(SendResult.fail(d.id(), "the " + channel.code() + " notice could not be rendered: " + e.getMessage()));
            }
        }
        metrics.timer("tocsin.delivery.phase", "phase", "render")
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        List<SendResult> sent = send.apply(outgoing);
        for (SendResult r : sent) {
            if (r.held()) {
                continue;
            }
            metrics.counter("tocsin.deliveries.attempts", "channel", channel.code(), "outcome", r.outcome().name().toLowerCase())
                    .increment();
        }
        results.addAll(sent);
        return results;
    }
}
