package dev.tocsin.template;

import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateNode;

import java.util.concurrent.CompletionException;

/**
 * What one render of a notice template may spend: loop iterations (weighted by the size of the loop's body),
 * output characters and wall-clock time. A notice needs a tiny fraction of each; a hostile or careless
 * template ({@code {#for i in 1000000000}}, loops nested over every list) is stopped with a
 * {@link TemplateException} naming where, instead of filling the heap or holding a worker for minutes.
 *
 * The budget of the render running on this thread is kept in a thread local: Qute resolves our templates
 * synchronously (no value resolver of ours completes later), so the loop sections see it.
 */
public final class RenderBudget {

    /** Loop iterations, each weighted by the number of nodes in the loop's body. */
    static final long MAX_WORK = 200_000;
    /** Characters one rendered part may have (a notice is a few tens of thousands at most). */
    static final long MAX_OUTPUT_CHARS = 1_000_000;
    /** Elements one loop may run over (the notice's lists are a handful of data categories). */
    static final int MAX_LOOP_ELEMENTS = 1_000;
    static final long MAX_NANOS = 2_000_000_000L;

    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

    private final long deadline = System.nanoTime() + MAX_NANOS;
    private long work;
    private long output;

    private RenderBudget() {
    }

    /** The budget of the render on this thread; a fresh one for a loop rendered outside {@link #render}. */
    static RenderBudget current() {
        RenderBudget budget = CURRENT.get();
        return budget != null ? budget : new RenderBudget();
    }

    /** Renders a template with a budget of its own. */
    public static String render(Template template, Object data) {
        RenderBudget outer = CURRENT.get();
        RenderBudget budget = new RenderBudget();
        CURRENT.set(budget);
        try {
            StringBuilder out = new StringBuilder(1024);
            template.instance().data(data).consume(chunk -> {
                budget.output += chunk.length();
                if (budget.output > MAX_OUTPUT_CHARS) {
                    throw new TemplateException("the rendered text would be longer than " + MAX_OUTPUT_CHARS
                            + " characters; a notice is far shorter (check the loops)");
                }
                out.append(chunk);
            }).toCompletableFuture().join();
            return out.toString();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** Charges one iteration of a loop whose body has {@code weight} nodes. */
    void iterate(int weight, TemplateNode.Origin where) {
        work += Math.max(1, weight);
        if (work > MAX_WORK) {
            throw new TemplateException(where, "the loops of this template would run more than " + MAX_WORK
                    + " steps for one notice; loop over the notice's lists only, and do not nest loops deeply");
        }
        if (System.nanoTime() - deadline > 0) {
            throw new TemplateException(where, "rendering took longer than " + MAX_NANOS / 1_000_000
                    + " ms, the most one notice may take");
        }
    }
}
