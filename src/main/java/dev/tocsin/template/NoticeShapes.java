package dev.tocsin.template;

import io.quarkus.qute.Expression;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.SectionBlock;
import io.quarkus.qute.SectionHelperFactory;
import io.quarkus.qute.SectionNode;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateNode;
import io.quarkus.qute.Variant;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Renders a notice once per shape and splices each recipient's own values into it.
 *
 * Of what a notice shows, three values belong to one recipient alone: the name, the verification reference
 * and the advisory link. Everything else (locale, time zone, exposed data, jurisdiction, incident) is shared
 * by many recipients of a campaign, and evaluating whole templates per recipient was the largest part of
 * the fan-out's CPU. So a shape seen twice is rendered with markers in place of the three values, cut at the
 * markers, and from then on each notice of that shape is the cut text with the values put back (HTML-escaped
 * where the template would escape them).
 *
 * Only where that gives exactly what a full render gives: every template involved may show the three values
 * as they are ({name}) or test them for emptiness ({#if name}), and nothing else (a method, a comparison, a
 * let, a loop renders in full); whether the name is empty is part of the shape. Before a shape is used it is
 * also rendered with a second set of values (other lengths, characters HTML escapes) and the splice must
 * reproduce that render character for character.
 */
final class NoticeShapes {

    /** The recipient's own values, in the order of {@link #values}. */
    static final List<String> RECIPIENT_VALUES = List.of("name", "reference", "advisoryUrl", "enrolmentCode");

    private static final char OPEN = '\uE000';
    private static final char CLOSE = '\uE001';
    /** Marks from Unicode's private use area: nothing escapes, folds or strips them. */
    private static final String[] MARKS = {OPEN + "0" + CLOSE, OPEN + "1" + CLOSE, OPEN + "2" + CLOSE, OPEN + "3" + CLOSE};
    /** The values the splice must reproduce a full render of. */
    private static final String[] CHECK = {"Zoë <O'Brien> & \"Ana\"  Lï", "TCS-CHECK-99999",
            "https://check.invalid/a/x?y=1&z=<2>", "ENR_CHECK-42<&>"};

    /** More shapes than this (a campaign's locales x zones x data sets x places) and the cache starts over. */
    private static final int MAX_SHAPES = 2_000;

    private static final HtmlEscaper HTML = new HtmlEscaper(List.of(Variant.TEXT_HTML));

    /** What a shape is for: the kind of notice, its template set and locale, and every value but the three. */
    record Key(String kind, String set, String locale, NoticeData shared) {
    }

    /** A render cut at the markers: text[0], value slots[0], text[1], ... text[n]. */
    private static final class Cut {
        final String[] text;
        final int[] slots;
        final boolean html;
        /** The text pieces as SMTP lines, encoded the first time a notice needs them. */
        private volatile Segment[] segments;

        Cut(String[] text, int[] slots, boolean html) {
            this.text = text;
            this.slots = slots;
            this.html = html;
        }

        Segment[] segments() {
            Segment[] s = segments;
            if (s == null) {
                s = new Segment[text.length];
                for (int i = 0; i < text.length; i++) {
                    s[i] = Segment.of(text[i]);
                }
                segments = s;
            }
            return s;
        }

        /** The value a slot shows, as this output shows it (escaped if it is HTML). */
        String value(Shown values, int slot) {
            return values.text[slots[slot]];
        }

        String fill(Shown values) {
            int size = 0;
            for (String t : text) {
                size += t.length();
            }
            StringBuilder out = new StringBuilder(size + 128);
            out.append(text[0]);
            for (int i = 0; i < slots.length; i++) {
                out.append(value(values, i)).append(text[i + 1]);
            }
            return out.toString();
        }
    }

    /**
     * One recipient's three values as an output shows them, escaped (for HTML) and encoded once per notice: a
     * notice's outputs show them in several places, and escaping each place anew was a sixth of the workers'
     * CPU samples in a flight recording of the benchmark.
     */
    private static final class Shown {
        final String[] text;
        final byte[][] utf8;
        /** Per value, whether it holds a line break or NUL of its own: the whole-text path decides then. */
        final boolean[] breaksLines;

        Shown(String[] values, boolean html) {
            text = new String[values.length];
            utf8 = new byte[values.length][];
            breaksLines = new boolean[values.length];
            for (int i = 0; i < values.length; i++) {
                text[i] = html ? HTML.map(values[i], null) : values[i];
                utf8[i] = text[i].getBytes(StandardCharsets.UTF_8);
                breaksLines[i] = text[i].indexOf('\n') >= 0 || text[i].indexOf('\r') >= 0 || text[i].indexOf(0) >= 0;
            }
        }
    }

    /**
     * A piece of text as it goes on the wire (UTF-8, LF written as CRLF), with what a line-length check needs:
     * the bytes before its first line break, after its last, and the longest whole line between.
     */
    private record Segment(byte[] bytes, int firstLine, int lastLine, int longestInner, boolean breaks, boolean forbidden) {

        static Segment of(String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream(utf8.length + 64);
            int first = -1;
            int longest = 0;
            int lineStart = 0;
            boolean forbidden = false;
            for (int i = 0; i < utf8.length; i++) {
                if (utf8[i] == '\n') {
                    if (first < 0) {
                        first = i;
                    } else {
                        longest = Math.max(longest, i - lineStart);
                    }
                    wire.write(utf8, lineStart, i - lineStart);
                    wire.write('\r');
                    wire.write('\n');
                    lineStart = i + 1;
                } else if (utf8[i] == '\r' || utf8[i] == 0) {
                    forbidden = true;
                }
            }
            wire.write(utf8, lineStart, utf8.length - lineStart);
            return new Segment(wire.toByteArray(), first < 0 ? utf8.length : first, utf8.length - lineStart, longest,
                    first >= 0, forbidden);
        }
    }

    /** One recipient's part: the shape's encoded pieces with their values in between. */
    private record SplicedPart(Cut cut, Shown values) implements EncodedPart {

        private static final int SMTP_LINE = 998;

        @Override
        public boolean fitsSmtpLines() {
            Segment[] segments = cut.segments();
            int line = 0;
            for (int i = 0; i < segments.length; i++) {
                Segment s = segments[i];
                if (s.forbidden() || s.longestInner() > SMTP_LINE) {
                    return false;
                }
                if (s.breaks()) {
                    if (line + s.firstLine() > SMTP_LINE) {
                        return false;
                    }
                    line = s.lastLine();
                } else {
                    line += s.firstLine();
                }
                if (i < cut.slots.length) {
                    if (values.breaksLines[cut.slots[i]]) {
                        return false; // a value with line breaks of its own: the whole-text path decides
                    }
                    line += values.utf8[cut.slots[i]].length;
                }
                if (line > SMTP_LINE) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void writeSmtpLines(java.io.ByteArrayOutputStream out) {
            Segment[] segments = cut.segments();
            for (int i = 0; i < segments.length; i++) {
                out.writeBytes(segments[i].bytes());
                if (i < cut.slots.length) {
                    out.writeBytes(values.utf8[cut.slots[i]]);
                }
            }
            Segment last = segments[segments.length - 1];
            if (!(last.breaks() && last.lastLine() == 0)) {
                out.writeBytes(CRLF); // the text did not end with a line break (values never hold one here)
            }
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * What a render gave: the outputs, and for spliced ones their encoded form (else null). A spliced output's text
     * is filled in only when asked for: an email that goes as 8-bit is written from its encoded form, and filling
     * two texts of several KB per notice that nobody read was a tenth of the workers' CPU samples.
     */
    static final class Outputs {
        private final String[] text;
        private final Cut[] cuts;
        private final Shown[] shown;
        private final EncodedPart[] encoded;

        private Outputs(String[] text, Cut[] cuts, Shown[] shown, EncodedPart[] encoded) {
            this.text = text;
            this.cuts = cuts;
            this.shown = shown;
            this.encoded = encoded;
        }

        /** Every output's text. */
        String[] text() {
            for (int i = 0; i < text.length; i++) {
                text(i);
            }
            return text;
        }

        String text(int i) {
            String t = text[i];
            if (t == null) {
                t = cuts[i].fill(shown[i]);
                text[i] = t;
            }
            return t;
        }

        /** The text of output {@code i} as a source to ask later. */
        java.util.function.Supplier<String> later(int i) {
            return () -> text(i);
        }

        EncodedPart encoded(int i) {
            return encoded[i];
        }
    }

    private static final Object SEEN_ONCE = new Object();
    private static final Object FULL_RENDER = new Object();

    private final Map<Key, Object> shapes = new ConcurrentHashMap<>();
    private final Map<Template, Boolean> spliceable = new ConcurrentHashMap<>();

    /**
     * The outputs {@code render} would give for {@code data}, spliced from the shape when it can be.
     *
     * @param templates every template {@code render} evaluates for this data
     * @param html      per output, whether it is HTML (values escaped)
     * @param render    the full render: data in, one string per output
     */
    Outputs render(Key key, NoticeData data, List<Template> templates, boolean[] html,
                   Function<NoticeData, String[]> render) {
        Object shape = shapes.get(key);
        if (shape instanceof Cut[] cuts) {
            String[] values = values(data);
            Shown plain = null;
            Shown escaped = null;
            Shown[] shown = new Shown[cuts.length];
            EncodedPart[] encoded = new EncodedPart[cuts.length];
            for (int i = 0; i < cuts.length; i++) {
                if (cuts[i].html) {
                    shown[i] = escaped == null ? escaped = new Shown(values, true) : escaped;
                } else {
                    shown[i] = plain == null ? plain = new Shown(values, false) : plain;
                }
                encoded[i] = new SplicedPart(cuts[i], shown[i]);
            }
            return new Outputs(new String[cuts.length], cuts, shown, encoded);
        }
        if (shape == null) {
            // Seen once: a shape used by one recipient only would cost two extra renders for nothing.
            if (shapes.size() >= MAX_SHAPES) {
                shapes.clear();
                spliceable.clear();
            }
            shapes.putIfAbsent(key, SEEN_ONCE);
        } else if (shape == SEEN_ONCE) {
            shapes.put(key, cut(data, templates, html, render));
        }
        String[] out = render.apply(data);
        return new Outputs(out, null, null, new EncodedPart[out.length]);
    }

    /** How many shapes are spliced now (for tests). */
    int splicedCount(String kind) {
        return (int) shapes.entrySet().stream().filter(e -> e.getKey().kind().equals(kind) && e.getValue() instanceof Cut[])
                .count();
    }

    private Object cut(NoticeData data, List<Template> templates, boolean[] html, Function<NoticeData, String[]> render) {
        for (Template t : templates) {
            if (!spliceable.computeIfAbsent(t, NoticeShapes::showsRecipientValuesOnly)) {
                return FULL_RENDER;
            }
        }
        boolean named = data.recipientName() != null && !data.recipientName().isEmpty();
        boolean coded = data.enrolmentCode() != null && !data.enrolmentCode().isEmpty();
        String[] marked;
        String[] checked;
        try {
            marked = render.apply(withValues(data, named ? MARKS[0] : data.recipientName(), MARKS[1], MARKS[2],
                    coded ? MARKS[3] : data.enrolmentCode()));
            checked = render.apply(withValues(data, named ? CHECK[0] : data.recipientName(), CHECK[1], CHECK[2],
                    coded ? CHECK[3] : data.enrolmentCode()));
        } catch (RuntimeException e) {
            return FULL_RENDER; // the full render reports it
        }
        Cut[] cuts = new Cut[marked.length];
        String[] checkValues = {named ? CHECK[0] : "", CHECK[1], CHECK[2], coded ? CHECK[3] : ""};
        for (int i = 0; i < marked.length; i++) {
            cuts[i] = cutAtMarks(marked[i], html[i]);
            if (cuts[i] == null || !cuts[i].fill(new Shown(checkValues, html[i])).equals(checked[i])) {
                return FULL_RENDER;
            }
        }
        return cuts;
    }

    private static Cut cutAtMarks(String rendered, boolean html) {
        List<String> text = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        int from = 0;
        for (int at = rendered.indexOf(OPEN); at >= 0; at = rendered.indexOf(OPEN, from)) {
            if (at + 2 >= rendered.length() || rendered.charAt(at + 2) != CLOSE
                    || rendered.charAt(at + 1) < '0' || rendered.charAt(at + 1) > '3') {
                return null; // a mark the template changed: not a plain copy of the value
            }
            text.add(rendered.substring(from, at));
            slots.add(rendered.charAt(at + 1) - '0');
            from = at + 3;
        }
        text.add(rendered.substring(from));
        return new Cut(text.toArray(String[]::new), slots.stream().mapToInt(Integer::intValue).toArray(), html);
    }

    private static String[] values(NoticeData data) {
        return new String[]{data.recipientName() == null ? "" : data.recipientName(), data.reference(), data.advisoryUrl(),
                data.enrolmentCode() == null ? "" : data.enrolmentCode()};
    }

    private static NoticeData withValues(NoticeData d, String name, String reference, String link, String code) {
        return d.withRecipientValues(name, reference, link, code);
    }

    /** The key's copy of the data: whether there is a name, not which. */
    static NoticeData shared(NoticeData d) {
        boolean named = d.recipientName() != null && !d.recipientName().isEmpty();
        boolean coded = d.enrolmentCode() != null && !d.enrolmentCode().isEmpty();
        return withValues(d, named ? "*" : "", null, null, coded ? "*" : "");
    }

    /**
     * True when the template uses the recipient's values only as {value} or {#if value}: then a render's text
     * around them does not depend on them beyond the name being empty or not.
     */
    static boolean showsRecipientValuesOnly(Template template) {
        return nodesOk(template.getNodes());
    }

    private static boolean nodesOk(List<TemplateNode> nodes) {
        for (TemplateNode node : nodes) {
            if (node.isExpression()) {
                for (Expression e : node.getExpressions()) {
                    if (usesRecipientValue(e) && !isPlainValue(e)) {
                        return false;
                    }
                }
            } else if (node.isSection()) {
                SectionNode section = node.asSection();
                for (SectionBlock block : section.getBlocks()) {
                    for (Expression e : block.expressions.values()) {
                        boolean emptinessTest = "if".equals(section.getName()) && SectionHelperFactory.MAIN_BLOCK_NAME.equals(block.label)
                                && block.parameters.size() == 1 && isPlainValue(e);
                        if (usesRecipientValue(e) && !emptinessTest) {
                            return false;
                        }
                    }
                    if (!nodesOk(block.nodes)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Exactly {name}, {reference} or {advisoryUrl}: no namespace, no property, no method, no operator. */
    private static boolean isPlainValue(Expression e) {
        return !e.isLiteral() && !e.hasNamespace() && e.getParts().size() == 1
                && !e.getParts().get(0).isVirtualMethod() && RECIPIENT_VALUES.contains(e.getParts().get(0).getName());
    }

    /** Whether any part, or any method parameter within, names one of the recipient's values. */
    private static boolean usesRecipientValue(Expression e) {
        if (e.isLiteral()) {
            return false;
        }
        for (Expression.Part part : e.getParts()) {
            if (RECIPIENT_VALUES.contains(part.getName())) {
                return true;
            }
            if (part.isVirtualMethod()) {
                for (Expression p : part.asVirtualMethod().getParameters()) {
                    if (usesRecipientValue(p)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
