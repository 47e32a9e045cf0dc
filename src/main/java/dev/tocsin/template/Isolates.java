package dev.tocsin.template;

import io.quarkus.qute.Expression;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.RawString;
import io.quarkus.qute.ResultMapper;
import io.quarkus.qute.TemplateNode;
import io.quarkus.qute.Variant;

import java.util.List;
import java.util.Set;

/**
 * Every value a notice inserts is isolated in Unicode (FSI ... PDI), so its own direction does not spill into
 * the text around it: an English incident title in an Arabic sentence keeps its full stop where the Arabic
 * puts it, an Arabic name in an English greeting does not swallow the comma. HTML values are escaped first (this
 * mapper stands in for the HTML escaper where it applies). Not isolated: the advisory link (a URL must stay
 * clickable, also in href), the locale tag (an attribute), the rendered jurisdiction blocks and the exposed-data
 * sentence (text of the notice's own language). Parts whose content type is neither text/html nor text/plain
 * (subject, push, GSM-7 SMS: see PartTypes.of) are left as they are.
 */
final class Isolates implements ResultMapper {

    static final char FSI = '\u2068';
    static final char PDI = '\u2069';
    static final Set<String> NOT_ISOLATED = Set.of("advisoryUrl", "offerUrl", "locale", "jurisdictionHtml", "jurisdictionText",
            "exposedSentence");

    private final HtmlEscaper html = new HtmlEscaper(List.of(Variant.TEXT_HTML));

    @Override
    public int getPriority() {
        return html.getPriority() + 1;
    }

    @Override
    public boolean appliesTo(TemplateNode.Origin origin, Object result) {
        if (!(result instanceof String) || result instanceof RawString) {
            return false;
        }
        String type = origin.getVariant().map(Variant::getContentType).orElse("");
        return type.equals(Variant.TEXT_HTML) || type.equals(Variant.TEXT_PLAIN);
    }

    @Override
    public String map(Object result, Expression expression) {
        boolean isHtml = expression.getOrigin().getVariant().map(v -> Variant.TEXT_HTML.equals(v.getContentType()))
                .orElse(false);
        String text = isHtml ? html.map(result, expression) : result.toString();
        if (expression.getParts().isEmpty() || NOT_ISOLATED.contains(expression.getParts().get(0).getName())
                || text.isEmpty()) {
            return text;
        }
        return FSI + text + PDI;
    }

    /** The text without isolates: what a person reads (and copies). */
    static String strip(String text) {
        return text.replace(String.valueOf(FSI), "").replace(String.valueOf(PDI), "");
    }
}
