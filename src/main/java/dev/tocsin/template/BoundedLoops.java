package dev.tocsin.template;

import io.quarkus.qute.Expression;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.ResolutionContext;
import io.quarkus.qute.ResultNode;
import io.quarkus.qute.Scope;
import io.quarkus.qute.SectionBlock;
import io.quarkus.qute.SectionHelper;
import io.quarkus.qute.SectionHelperFactory;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateNode;
import io.quarkus.qute.Evaluator;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Qute's {#for}/{#each}, on a budget: a loop runs only over a list or map the notice data holds (at most
 * {@link RenderBudget#MAX_LOOP_ELEMENTS} elements, never a number range or an open-ended iterator), and every
 * iteration is charged to the render's {@link RenderBudget}, weighted by the size of the loop's body.
 *
 * Qute itself would iterate {@code {#for i in 1000000000}} (and first allocate a list that size), so the
 * check sits between the loop and the value it is given.
 */
final class BoundedLoops implements SectionHelperFactory<SectionHelper> {

    private final LoopSectionHelper.Factory loops = new LoopSectionHelper.Factory();

    @Override
    public List<String> getDefaultAliases() {
        return loops.getDefaultAliases();
    }

    @Override
    public ParametersInfo getParameters() {
        return loops.getParameters();
    }

    @Override
    public List<String> getBlockLabels() {
        return loops.getBlockLabels();
    }

    @Override
    public boolean cacheFactoryConfig() {
        return loops.cacheFactoryConfig();
    }

    @Override
    public boolean treatUnknownSectionsAsBlocks() {
        return loops.treatUnknownSectionsAsBlocks();
    }

    @Override
    public MissingEndTagStrategy missingEndTagStrategy() {
        return loops.missingEndTagStrategy();
    }

    @Override
    public Scope initializeBlock(Scope previousScope, BlockInfo block) {
        return loops.initializeBlock(previousScope, block);
    }

    @Override
    public SectionHelper initialize(SectionInitContext context) {
        SectionHelper loop = loops.initialize(context);
        SectionBlock main = context.getBlocks().get(0);
        int weight = 1 + nodes(main);
        TemplateNode.Origin where = main.origin;
        return section -> loop.resolve(new Budgeted(section, RenderBudget.current(), weight, where));
    }

    private static int nodes(SectionBlock block) {
        int count = 0;
        for (TemplateNode node : block.nodes) {
            count++;
            if (node.isSection()) {
                for (SectionBlock inner : node.asSection().getBlocks()) {
                    count += nodes(inner);
                }
            }
        }
        return count;
    }

    /** The loop's view of its section: the iterable is checked, every iteration charged. */
    private record Budgeted(SectionHelper.SectionResolutionContext section, RenderBudget budget, int weight,
                            TemplateNode.Origin where) implements SectionHelper.SectionResolutionContext {

        @Override
        public CompletionStage<Map<String, Object>> evaluate(Map<String, Expression> parameters) {
            return section.evaluate(parameters);
        }

        @Override
        public ResolutionContext resolutionContext() {
            return new CheckedIterable(section.resolutionContext(), where);
        }

        @Override
        public ResolutionContext newResolutionContext(Object data, Map<String, SectionBlock> extendingBlocks) {
            return section.newResolutionContext(data, extendingBlocks);
        }

        @Override
        public CompletionStage<ResultNode> execute(ResolutionContext context) {
            budget.iterate(weight, where);
            return section.execute(context);
        }

        @Override
        public CompletionStage<ResultNode> execute(SectionBlock block, ResolutionContext context) {
            budget.iterate(weight, where);
            return section.execute(block, context);
        }

        @Override
        public Map<String, Object> getParameters() {
            return section.getParameters();
        }
    }

    /** The resolution context the loop evaluates its iterable in: anything but a bounded list or map is refused. */
    private record CheckedIterable(ResolutionContext context, TemplateNode.Origin where) implements ResolutionContext {

        @Override
        public CompletionStage<Object> evaluate(String expression) {
            return context.evaluate(expression).thenApply(this::check);
        }

        @Override
        public CompletionStage<Object> evaluate(Expression expression) {
            return context.evaluate(expression).thenApply(this::check);
        }

        private Object check(Object value) {
            int size;
            if (value instanceof Collection<?> c) {
                size = c.size();
            } else if (value instanceof Map<?, ?> m) {
                size = m.size();
            } else if (value != null && value.getClass().isArray()) {
                size = Array.getLength(value);
            } else if (value instanceof Number) {
                throw new TemplateException(where, "a loop may run over a list of the notice data (e.g. categories),"
                        + " not over a number");
            } else if (value instanceof Iterable<?> || value instanceof java.util.Iterator<?>
                    || value instanceof java.util.stream.BaseStream<?, ?>) {
                throw new TemplateException(where, "a loop may run over a list of the notice data, not over an open-ended sequence");
            } else {
                // Not found, null or anything else: Qute reports it as it does for any template.
                return value;
            }
            if (size > RenderBudget.MAX_LOOP_ELEMENTS) {
                throw new TemplateException(where, "a loop may run over at most " + RenderBudget.MAX_LOOP_ELEMENTS
                        + " elements; this one has " + size);
            }
            return value;
        }

        @Override
        public ResolutionContext createChild(Object data, Map<String, SectionBlock> extendingBlocks) {
            return context.createChild(data, extendingBlocks);
        }

        @Override
        public Object getData() {
            return context.getData();
        }

        @Override
        public ResolutionContext getParent() {
            return context.getParent();
        }

        @Override
        public SectionBlock getExtendingBlock(String name) {
            return context.getExtendingBlock(name);
        }

        @Override
        public SectionBlock getCurrentExtendingBlock(String name) {
            return context.getCurrentExtendingBlock(name);
        }

        @Override
        public Object getAttribute(String key) {
            return context.getAttribute(key);
        }

        @Override
        public Template getTemplate() {
            return context.getTemplate();
        }

        @Override
        public Evaluator getEvaluator() {
            return context.getEvaluator();
        }
    }
}
