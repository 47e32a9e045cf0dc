package dev.tocsin.channel.letter;

import dev.tocsin.channel.NoticeDataFactory;
import dev.tocsin.channel.RenderAndSend;
import dev.tocsin.common.AdvisoryLinks;
import dev.tocsin.common.Channel;
import dev.tocsin.common.CompanyConfig;
import dev.tocsin.delivery.ChannelSender;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import dev.tocsin.template.NoticeData;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.RenderedEmail;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A letter "is sent" when it is rendered to its print-ready PDF and kept for a mail-house batch
 * ({@link Letters}); it is delivered when its batch is handed over, and undeliverable when it comes back.
 */
@ApplicationScoped
public class LetterSender implements ChannelSender {

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeDataFactory notices;

    @Inject
    Letters letters;

    @Inject
    LetterConfig config;

    @Inject
    CompanyConfig company;

    @Inject
    AdvisoryLinks links;

    @Inject
    MeterRegistry metrics;

    private volatile LetterDocument document;

    @Override
    public Channel channel() {
        return Channel.LETTER;
    }

    @Override
    public String provider() {
        return "post";
    }

    @Override
    public String describe() {
        return "PDF letters kept for mail-house batches (POST /api/letters/batches)";
    }

    private LetterDocument document() {
        LetterDocument d = document;
        if (d == null) {
            d = new LetterDocument(LetterFonts.find(config.fontDirs()));
            document = d;
        }
        return d;
    }

    /** Languages written right to left. */
    private static final Set<String> RIGHT_TO_LEFT = Set.of("ar", "he", "fa", "ur");

    /** The words at the top of a letter, per language (English for others). */
    private static final Map<String, String[]> LABELS = Map.of(
            "en", new String[]{"Reference", "Check this notice at"},
            "es", new String[]{"Referencia", "Compruebe este aviso en"},
            "pt", new String[]{"Referência", "Confirme este aviso em"},
            "fr", new String[]{"Référence", "Vérifiez cet avis sur"},
            "de", new String[]{"Referenz", "Prüfen Sie diesen Hinweis unter"},
            "ja", new String[]{"確認番号", "このお知らせの確認："},
            "ar", new String[]{"رقم التحقق", "تحقق من هذا الإشعار على"});

    @Override
    public List<SendResult> send(List<ClaimedDelivery> deliveries, SendWatch watch) {
        Map<String, LetterDocument.Address> addresses = letters.addresses(
                deliveries.stream().map(ClaimedDelivery::accountId).distinct().toList());
        List<SendResult> results = new ArrayList<>();
        List<ClaimedDelivery> printable = new ArrayList<>(deliveries.size());
        for (ClaimedDelivery d : deliveries) {
            if (addresses.containsKey(d.accountId())) {
                printable.add(d);
            } else {
                results.add(SendResult.undeliverable(d.id(), "the account's postal address was removed after launch", false));
            }
        }
        results.addAll(RenderAndSend.run(Channel.LETTER, printable, templates, (d, set) -> {
            NoticeData data = notices.forDelivery(d, set);
            RenderedEmail email = templates.renderEmail(set, data);
            String tag = set.resolveTag(d.locale());
            String language = Locale.forLanguageTag(tag).getLanguage();
            String[] label = LABELS.getOrDefault(language, LABELS.get("en"));
            LetterDocument doc = document();
            LetterDocument.Address to = addresses.get(d.accountId());
            byte[] pdf = doc.render(email.html(), tag, RIGHT_TO_LEFT.contains(language), to,
                    new LetterDocument.Heading(company.company().name(), data.reference(), label[0],
                            label[1] + " " + links.baseUrl() + "/verify"));
            return new Letters.Printed(d.id(), d.campaignId(), LetterDocument.Paper.forCountry(to.country()).name(), pdf, to);
        }, letters::keep, watch, metrics));
        return results;
    }
}
