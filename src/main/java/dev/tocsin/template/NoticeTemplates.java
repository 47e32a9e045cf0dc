package dev.tocsin.template;

import dev.tocsin.common.Channel;
import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.RawString;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The notice template library: loads template sets from templates/ (packaged on the classpath, or from
 * tocsin.templates.dir when set), compiles them with Qute once and renders notices for recipients.
 *
 * Layout: templates/{set}/set.properties (locales=en,es,...; default-locale=en) and, per locale,
 * templates/{set}/{locale}/email-subject.txt, email.html, email.txt, categories.properties.
 *
 * Notices are compiled by an engine of their own, not the application's: it knows maps, lists and the
 * standard sections and nothing else (no CDI beans, no reflection on server objects), so a template can
 * reach the notice data it is given and nothing more; HTML parts escape every value; an unknown name is an
 * error rather than an empty string. It also skips the per-render work the application engine does for
 * injected beans, which showed in the fan-out profile.
 *
 * (About 490 lines: loading, overlaying campaign uploads and rendering share the compiled-template and
 * resolution caches kept here; the required-content check is in {@link RequiredContent}, the upload rules in
 * {@link TemplateRules}, the render budget in {@link RenderBudget}, value isolation in {@link Isolates}.)
 */
@ApplicationScoped
public class NoticeTemplates {

    @Inject
    TemplateConfig config;

    private static final Pattern SET_NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,99}$");

    /**
     * No {#include}/{#insert} (a part is self-contained), no {#eval} (it would run data as template code), no
     * fragments; loops only on a budget (BoundedLoops).
     */
    private final Engine engine = Engine.builder()
            .addDefaultValueResolvers()
            .addSectionHelpers(new io.quarkus.qute.IfSectionHelper.Factory(), new BoundedLoops(),
                    new io.quarkus.qute.WithSectionHelper.Factory(), new io.quarkus.qute.SetSectionHelper.Factory(),
                    new io.quarkus.qute.WhenSectionHelper.Factory())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .addResultMapper(new Isolates())
            .strictRendering(true)
            .removeStandaloneLines(true)
            .build();

    /** Recipient locale tag -> the templates it resolves to, per set: resolving parses the tag. */
    private final Map<String, TemplateSet.LocaleTemplates> resolved = new ConcurrentHashMap<>();
    private static final int MAX_RESOLVED_TAGS = 10_000;

    private final Map<String, TemplateSet> cache = new ConcurrentHashMap<>();

    /** Parts a campaign's operators uploaded, laid over the library set (read only when a campaign has any). */
    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    /** A campaign's set: the library set with the campaign's uploaded parts over it. */
    private record Overlay(String base, Map<String, String> sources) {
    }

    private final Map<String, TemplateSet> campaignSets = new ConcurrentHashMap<>();
    private final Map<String, Overlay> overlays = new ConcurrentHashMap<>();

    public static final List<String> PARTS = List.of("email-subject.txt", "email.html", "email.txt", "sms.txt",
            "push-title.txt", "push.txt");

    /** A template problem an operator can fix: which file, where, what. */
    public record TemplateError(String file, int line, int column, String message) {
    }

    /**
     * The set a campaign renders with: the library set it names, or, once operators uploaded parts for it
     * (version > 0), that set with those parts over it. Keyed by version, so every instance renders what the
     * campaign has now.
     */
    public Optional<TemplateSet> forCampaign(String campaignId, String base, int version) {
        if (version <= 0) {
            return find(base);
        }
        String key = campaignId + ":" + version;
        TemplateSet cached = campaignSets.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<TemplateSet> baseSet = find(base);
        if (baseSet.isEmpty()) {
            return baseSet;
        }
        TemplateSet set = overlay(baseSet.get(), "campaign:" + key, uploadedParts(campaignId));
        // Older versions of this campaign's set are of no use any more, nor what was cached for them.
        campaignSets.keySet().removeIf(k -> k.startsWith(campaignId + ":"));
        String older = "campaign:" + campaignId + ":";
        overlays.keySet().removeIf(k -> k.startsWith(older) && !k.equals(set.name()));
        resolved.keySet().removeIf(k -> k.startsWith(older) && !k.startsWith(set.name() + "|"));
        campaignSets.put(key, set);
        return Optional.of(set);
    }

    private Map<String, String> uploadedParts(String campaignId) {
        Map<String, String> parts = new LinkedHashMap<>();
        try (java.sql.Connection c = dataSource.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT locale, part, content FROM campaign_template WHERE campaign_id = ? ORDER BY locale, part")) {
            ps.setString(1, campaignId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parts.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the templates of campaign " + campaignId, e);
        }
        return parts;
    }

    /**
     * Lays uploaded parts ("locale/part" -> source) over a set. A locale the set lacks is added once its three
     * email parts are all uploaded; its SMS and push parts, if any, come with it.
     */
    TemplateSet overlay(TemplateSet base, String name, Map<String, String> uploaded) {
        overlays.put(name, new Overlay(base.name(), Map.copyOf(uploaded)));
        java.util.Set<String> tags = new java.util.LinkedHashSet<>(base.localeTags());
        uploaded.keySet().forEach(k -> tags.add(k.substring(0, k.indexOf('/'))));
        TemplateSet.LocaleTemplates fallback = base.locales().get(base.defaultLocale());
        Map<String, TemplateSet.LocaleTemplates> locales = new LinkedHashMap<>();
        for (String tag : tags) {
            TemplateSet.LocaleTemplates known = base.locales().get(tag);
            java.util.function.BiFunction<String, Template, Template> part = (file, library) -> {
                String source = uploaded.get(tag + "/" + file);
                return source != null ? parseSource(source, PartTypes.of(file), tag,
                        name + "/" + tag + "/" + file) : library;
            };
            TemplateSet.LocaleTemplates t = new TemplateSet.LocaleTemplates(tag,
                    part.apply("email-subject.txt", known == null ? null : known.emailSubject()),
                    part.apply("email.html", known == null ? null : known.emailHtml()),
                    part.apply("email.txt", known == null ? null : known.emailText()),
                    part.apply("sms.txt", known == null ? null : known.sms()),
                    part.apply("push-title.txt", known == null ? null : known.pushTitle()),
                    part.apply("push.txt", known == null ? null : known.pushBody()),
                    known == null ? fallback.categoryNames() : known.categoryNames(),
                    // a locale the library lacks has no blocks of its own: the default's are used when rendering,
                    // and the approval check says so for the readers who would get them
                    known == null ? Map.of() : known.blocksHtml(),
                    known == null ? Map.of() : known.blocksText());
            if (t.emailSubject() != null && t.emailHtml() != null && t.emailText() != null) {
                locales.put(tag, t);
            }
        }
        return new TemplateSet(name, base.defaultLocale(), Map.copyOf(locales), base.withholdIncidentDetails(),
                base.everyLocaleJurisdictions());
    }

    /**
     * Checks an uploaded part before it is kept: Qute syntax (errors with line and column), and a trial render
     * with sample data, which refuses anything the sandbox does not give a notice (beans, config, methods).
     */
    public List<TemplateError> checkUpload(String tag, String file, String source) {
        String id = tag + "/" + file;
        List<TemplateError> refused = TemplateRules.check(source).stream()
                .map(v -> new TemplateError(id, v.line(), v.column(), v.message())).toList();
        if (!refused.isEmpty()) {
            return refused;
        }
        Template template;
        try {
            template = parseSource(source, PartTypes.of(file), tag, id);
        } catch (io.quarkus.qute.TemplateException e) {
            return List.of(error(id, e));
        }
        NoticeData sample = new NoticeData(tag, "UTC", "Alex Example", "Sample incident", "What happened, in detail.",
                java.time.OffsetDateTime.now(), java.time.OffsetDateTime.now(), List.of("password", "email"),
                "Example Corp", "security@example.com", "TCS-PREVW-00000", "https://example.com/a/preview", null, null);
        Map<String, Object> model = sample.toModel(tag, List.of("password", "email address"));
        model.put("jurisdictionHtml", new RawString(""));
        model.put("jurisdictionText", "");
        model.put("exposedSentence", "");
        try {
            RenderBudget.render(template, model);
        } catch (io.quarkus.qute.TemplateException e) {
            return List.of(error(id, e));
        } catch (RuntimeException e) {
            return List.of(new TemplateError(id, 0, 0, "the sample render failed: " + e.getMessage()));
        }
        return List.of();
    }

    private static TemplateError error(String id, io.quarkus.qute.TemplateException e) {
        var origin = e.getOrigin();
        return new TemplateError(id, origin == null ? 0 : origin.getLine(),
                origin == null ? 0 : origin.getLineCharacterStart(), e.getMessage());
    }

    /**
     * The library's source of one part, for an operator to start a custom part from; empty for a set, locale or
     * part the library does not have (the names are checked, so no other file can be read).
     */
    public Optional<String> librarySource(String setName, String tag, String part) {
        if (setName == null || !SET_NAME.matcher(setName).matches() || tag == null
                || !tag.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}") || part == null || !PARTS.contains(part)) {
            return Optional.empty();
        }
        return read(setName + "/" + tag + "/" + part);
    }

    /** The raw source of a part, for the required-content markers: uploaded, or from the library. */
    Optional<String> source(TemplateSet set, String tag, String part) {
        Overlay overlay = overlays.get(set.name());
        if (overlay == null) {
            return read(set.name() + "/" + tag + "/" + part);
        }
        String uploaded = overlay.sources().get(tag + "/" + part);
        return uploaded != null ? Optional.of(uploaded) : read(overlay.base() + "/" + tag + "/" + part);
    }

    public Optional<TemplateSet> find(String name) {
        TemplateSet cached = name == null ? null : cache.get(name); // every delivery asks: the cache first
        if (cached != null) {
            return Optional.of(cached);
        }
        if (name == null || !SET_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Optional<String> descriptor = read(name + "/set.properties");
        if (descriptor.isEmpty()) {
            return Optional.empty();
        }
        TemplateSet loaded = load(name, properties(descriptor.get()));
        cache.putIfAbsent(name, loaded);
        return Optional.of(cache.get(name));
    }

    private TemplateSet load(String name, Properties descriptor) {
        String defaultLocale = descriptor.getProperty("default-locale", "en");
        List<String> declared = java.util.Arrays.stream(descriptor.getProperty("jurisdictions", "").split(","))
                .map(String::strip).filter(k -> !k.isEmpty()).toList();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(declared);
        keys.addAll(JurisdictionBlocks.libraryKeys(this::read));
        List<String> jurisdictions = List.copyOf(keys);
        Map<String, TemplateSet.LocaleTemplates> locales = new LinkedHashMap<>();
        for (String tag : descriptor.getProperty("locales", "en").split(",")) {
            tag = tag.strip();
            String dir = name + "/" + tag + "/";
            Map<String, String> categoryNames = new LinkedHashMap<>();
            read(dir + "categories.properties").map(NoticeTemplates::properties)
                    .ifPresent(p -> p.stringPropertyNames().forEach(k -> categoryNames.put(k, p.getProperty(k))));
            locales.put(tag, new TemplateSet.LocaleTemplates(tag,
                    parse(dir + "email-subject.txt", PartTypes.SUBJECT, tag),
                    parse(dir + "email.html", "text/html", tag),
                    parse(dir + "email.txt", "text/plain", tag),
                    optional(dir + "sms.txt", tag),
                    optional(dir + "push-title.txt", tag),
                    optional(dir + "push.txt", tag),
                    categoryNames,
                    JurisdictionBlocks.load(this::read, this::parse, dir, jurisdictions, ".html", "text/html", tag),
                    JurisdictionBlocks.load(this::read, this::parse, dir, jurisdictions, ".txt", "text/plain", tag)));
        }
        if (!locales.containsKey(defaultLocale)) {
            throw new IllegalStateException("template set " + name + " has no folder for its default locale " + defaultLocale);
        }
        // Places whose law forbids a notice to state the nature of the breach (Massachusetts, M.G.L. c. 93H s. 3)
        java.util.Set<String> withhold = java.util.Arrays.stream(descriptor.getProperty("withhold-incident-details", "")
                .split(",")).map(String::strip).filter(k -> !k.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
        return new TemplateSet(name, defaultLocale, Map.copyOf(locales), withhold, java.util.Set.copyOf(declared));
    }

    /** Parts only some channels need (SMS, push): absent means the set cannot send on that channel. */
    private Template optional(String path, String tag) {
        return read(path).isPresent() ? parse(path, PartTypes.of(path.substring(path.lastIndexOf('/') + 1)), tag) : null;
    }

    private Template parseSource(String source, String contentType, String tag, String id) {
        return engine.parse(source, new Variant(Locale.forLanguageTag(tag), contentType, "UTF-8"), id);
    }

    private Template parse(String path, String contentType, String tag) {
        String content = read(path).orElseThrow(() -> new IllegalStateException("missing notice template " + path));
        // The variant's content type turns on HTML escaping of every value in email.html.
        return engine.parse(content, new Variant(Locale.forLanguageTag(tag), contentType, "UTF-8"), path);
    }

    private final NoticeShapes shapes = new NoticeShapes();

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern LINE_BREAK = Pattern.compile("[ \\t]*\\R[ \\t]*");
    private static final Pattern SPACES = Pattern.compile(" {2,}");
    private static final boolean[] EMAIL_HTML = {false, true, false};
    private static final boolean[] SMS_HTML = {false};
    private static final boolean[] PUSH_HTML = {false, false};

    /** Renders the email notice for one recipient. */
    public RenderedEmail renderEmail(TemplateSet set, NoticeData data) {
        TemplateSet.LocaleTemplates t = resolve(set, data.locale());
        List<Template> blocksHtml = JurisdictionBlocks.forReader(set, t, data, true);
        List<Template> blocksText = JurisdictionBlocks.forReader(set, t, data, false);
        List<Template> used = new java.util.ArrayList<>(List.of(t.emailSubject(), t.emailHtml(), t.emailText()));
        used.addAll(blocksHtml);
        used.addAll(blocksText);
        NoticeShapes.Outputs rendered = shapes.render(key("email", set, t, data), data, used, EMAIL_HTML, d -> {
            Map<String, Object> model = model(set, t, d);
            // Our own template files, rendered with escaping already: inserted as they are.
            model.put("jurisdictionHtml", new RawString(JurisdictionBlocks.render(blocksHtml, model)));
            model.put("jurisdictionText", JurisdictionBlocks.render(blocksText, model));
            return new String[]{RenderBudget.render(t.emailSubject(), model), RenderBudget.render(t.emailHtml(), model),
                    RenderBudget.render(t.emailText(), model)};
        });
        return RenderedEmail.spliced(WHITESPACE.matcher(rendered.text(0).strip()).replaceAll(" "), rendered.later(1),
                rendered.later(2), rendered.encoded(1), rendered.encoded(2));
    }

    /** Renders the SMS notice: one paragraph, whitespace folded so line breaks do not cost segments. */
    public String renderSms(TemplateSet set, NoticeData data) {
        TemplateSet.LocaleTemplates t = resolve(set, data.locale());
        if (t.sms() == null) {
            throw new IllegalStateException("template set " + set.name() + " has no sms.txt for " + t.locale());
        }
        String[] out = shapes.render(key("sms", set, t, data), data, List.of(t.sms()), SMS_HTML,
                d -> new String[]{RenderBudget.render(t.sms(), model(set, t, d))}).text();
        String isolated = SPACES.matcher(LINE_BREAK.matcher(out[0].strip()).replaceAll(" ")).replaceAll(" ");
        // Isolates only where they cost nothing: never in a GSM-7 text (they would make it UCS-2), never when
        // they would add a segment.
        String plain = Isolates.strip(isolated);
        if (plain.length() == isolated.length() || SmsSegments.isGsm7(plain)
                || SmsSegments.count(isolated).segments() > SmsSegments.count(plain).segments()) {
            return plain;
        }
        return isolated;
    }

    /** Renders the push notification: a one-line title and a one-paragraph body. */
    public RenderedPush renderPush(TemplateSet set, NoticeData data) {
        TemplateSet.LocaleTemplates t = resolve(set, data.locale());
        if (t.pushTitle() == null || t.pushBody() == null) {
            throw new IllegalStateException("template set " + set.name() + " has no push-title.txt/push.txt for " + t.locale());
        }
        String[] out = shapes.render(key("push", set, t, data), data, List.of(t.pushTitle(), t.pushBody()), PUSH_HTML,
                d -> {
                    Map<String, Object> model = model(set, t, d);
                    return new String[]{RenderBudget.render(t.pushTitle(), model), RenderBudget.render(t.pushBody(), model)};
                }).text();
        return new RenderedPush(oneLine(out[0]), oneLine(out[1]), data.advisoryUrl(), data.reference());
    }

    /** How many notice shapes of a kind (email, sms, push) are spliced rather than rendered (tests). */
    int splicedShapes(String kind) {
        return shapes.splicedCount(kind);
    }

    private static NoticeShapes.Key key(String kind, TemplateSet set, TemplateSet.LocaleTemplates t, NoticeData data) {
        return new NoticeShapes.Key(kind, set.name(), t.locale(), NoticeShapes.shared(data));
    }

    /**
     * The values a notice sees. Where the law forbids stating the nature of the breach, the incident's title
     * becomes the locale's neutral phrase (categories.properties: _incident-neutral) and its description is left out.
     */
    private Map<String, Object> model(TemplateSet set, TemplateSet.LocaleTemplates t, NoticeData data) {
        Map<String, Object> model = data.toModel(t.locale(), localizedCategories(t, data.categories()));
        model.put("exposedSentence", counted(t, "_exposed", data.categories().size()));
        if (data.jurisdictionKeys().stream().anyMatch(set.withholdIncidentDetails()::contains)) {
            model.put("incidentTitle", t.categoryNames().getOrDefault("_incident-neutral", "A security incident"));
            model.put("incidentDescription", "");
        }
        return model;
    }

    /** A locale's sentence for a count, in the plural form its language uses for that number (prefix.one, ...). */
    private static String counted(TemplateSet.LocaleTemplates t, String prefix, int n) {
        String form = PluralRules.select(Locale.forLanguageTag(t.locale()).getLanguage(), n);
        String pattern = t.categoryNames().getOrDefault(prefix + "." + form, t.categoryNames().get(prefix + ".other"));
        return pattern == null ? "" : pattern.replace("{n}", Integer.toString(n));
    }

    private TemplateSet.LocaleTemplates resolve(TemplateSet set, String locale) {
        TemplateSet.LocaleTemplates known = resolved.get(set.name() + "|" + locale);
        if (known != null) {
            return known;
        }
        // Tags come from uploaded accounts and preview requests: a file of a million made-up tags must not
        // become a million cache entries. Past the bound the cache starts over (resolving is cheap).
        if (resolved.size() >= MAX_RESOLVED_TAGS) {
            resolved.clear();
        }
        return resolved.computeIfAbsent(set.name() + "|" + locale, k -> set.resolve(locale));
    }

    private static String oneLine(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ");
    }

    /**
     * The required-content check of one template set, locale by locale ({@link RequiredContent}): every
     * required element marked and shown, links only to the advisory domain, the SMS within its budget.
     */
    public List<ContentProblem> checkRequiredContent(TemplateSet set, List<Channel> channels, int smsBudget, NoticeData sample,
                                                     List<String> linkDomains) {
        return RequiredContent.check(this, set, channels, smsBudget, sample, linkDomains);
    }

    /**
     * What the law of the reader's place requires of this notice ({@link Jurisdictions}): rendered as that
     * reader would get it, every element that applies shown, every fact it needs recorded, nothing forbidden.
     */
    public List<ContentProblem> checkPlace(TemplateSet set, NoticeData data) {
        if (Jurisdictions.of(data).isEmpty()) {
            return List.of();
        }
        TemplateSet.LocaleTemplates t = resolve(set, data.locale());
        RenderedEmail email;
        try {
            email = renderEmail(set, data);
        } catch (RuntimeException e) {
            return List.of(new ContentProblem(t.locale(), "email", "rendering", e.getMessage()));
        }
        Map<String, Object> model = model(set, t, data);
        Map<String, String> rendered = new LinkedHashMap<>();
        rendered.put("email.html", Isolates.strip(org.jsoup.Jsoup.parse(email.html()).text()));
        rendered.put("email.txt", Isolates.strip(email.text()).replaceAll("\\s+", " "));
        return Jurisdictions.check(data, model, t.locale(), rendered);
    }

    /**
     * The place whose law decides a reader's notice, as {country, region}: the region when it has rules of its
     * own (US-CA), else the country when it has (US, GB, an EEA country), else none. Bounded by the library:
     * an accounts file naming a thousand regions gives at most one place per jurisdiction.
     */
    public static Optional<String[]> ruledPlace(String country, String region) {
        return Jurisdictions.ruledPlace(country, region);
    }

    /** Locales of the set that lack the parts a channel needs (email parts are required of every locale). */
    public List<String> localesWithout(TemplateSet set, Channel channel) {
        return set.locales().values().stream().filter(t -> switch (channel) {
            case SMS -> t.sms() == null;
            case PUSH -> t.pushTitle() == null || t.pushBody() == null;
            case EMAIL, LETTER -> false; // a letter prints the email's HTML part
        }).map(TemplateSet.LocaleTemplates::locale).sorted().toList();
    }

    static List<String> localizedCategories(TemplateSet.LocaleTemplates t, List<String> codes) {
        return codes.stream().map(code -> t.categoryNames().getOrDefault(code, code.replace('_', ' '))).toList();
    }

    private Optional<String> read(String relative) {
        try {
            if (config.dir().isPresent() && !config.dir().get().isBlank()) {
                Path file = Path.of(config.dir().get()).resolve(relative).normalize();
                if (!file.startsWith(Path.of(config.dir().get()).normalize()) || !Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
            }
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream("notice-templates/" + relative)) {
                return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read notice template " + relative, e);
        }
    }

    private static Properties properties(String content) {
        Properties p = new Properties();
        try (Reader r = new java.io.StringReader(content)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }
}
