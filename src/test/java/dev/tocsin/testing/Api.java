package dev.tocsin.testing;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** The API calls a trust-and-safety operator makes, as REST Assured one-liners for tests. */
public final class Api {

    private Api() {
    }

    /** An incident with its title and description in every language of the template library, as a team would write them. */
    public static String createIncident(String title) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("title", title, "description", "Attackers copied the user table from a backup server.",
                        "occurredAt", "2026-11-01T22:30:00Z", "discoveredAt", "2026-11-20T09:00:00Z",
                        "translations", TRANSLATIONS.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> Map.of("title", e.getValue()[0],
                                        "description", e.getValue()[1], "companyActions", List.of(e.getValue()[2])))),
                        "facts", Map.of("companyActions", List.of("We reset every sign-in session on 20 November."),
                                "dpo", Map.of("name", "Dana Officer", "email", "dpo@example.com"),
                                "securityMeasures", "Passwords were stored as salted bcrypt hashes.")))
                .post("/api/incidents").then().statusCode(201).extract().path("id");
    }

    /** The incident's words in each library language: title, description. */
    public static final Map<String, String[]> TRANSLATIONS = Map.of(
            "es", new String[]{"Copia de una copia de seguridad", "Unos atacantes copiaron la tabla de usuarios de un servidor de copias de seguridad.",
                    "Cerramos todas las sesiones el 20 de noviembre."},
            "pt-BR", new String[]{"Cópia de um backup", "Invasores copiaram a tabela de usuários de um servidor de backup.",
                    "Encerramos todas as sessões em 20 de novembro."},
            "fr", new String[]{"Copie d’une sauvegarde", "Des attaquants ont copié la table des utilisateurs depuis un serveur de sauvegarde.",
                    "Nous avons fermé toutes les sessions le 20 novembre."},
            "de", new String[]{"Kopie einer Sicherung", "Angreifer haben die Benutzertabelle von einem Sicherungsserver kopiert.",
                    "Wir haben am 20. November alle Sitzungen beendet."},
            "ja", new String[]{"バックアップの複製", "攻撃者がバックアップサーバーからユーザーテーブルを複製しました。",
                    "11月20日にすべてのログインセッションを無効化しました。"},
            "ar", new String[]{"نسخ نسخة احتياطية", "نسخ مهاجمون جدول المستخدمين من خادم النسخ الاحتياطي.",
                    "أنهينا جميع جلسات تسجيل الدخول في 20 نوفمبر."});

    public static ValidatableResponse uploadCsv(String incidentId, String csv) {
        return given().contentType("text/csv").body(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/incidents/" + incidentId + "/accounts").then();
    }

    /**
     * An incident with {@code n} generated people on email only: accounts {@code <prefix><i>-<run>}, addresses
     * {@code <prefix><i>-<run>@example.com}, all exposed to "password"; the upload must accept every row.
     */
    public static String incidentWithEmailAccounts(String prefix, String run, int n) {
        String incident = createIncident(prefix + " " + run);
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (int i = 0; i < n; i++) {
            csv.append(prefix).append(i).append('-').append(run).append(',')
                    .append(prefix).append(i).append('-').append(run).append("@example.com,password\n");
        }
        uploadCsv(incident, csv.toString()).statusCode(200).body("accepted", org.hamcrest.Matchers.equalTo(n));
        return incident;
    }

    public static ValidatableResponse uploadNdjson(String incidentId, String ndjson) {
        return given().contentType("application/x-ndjson").body(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/incidents/" + incidentId + "/accounts").then();
    }

    /** A campaign body for the incident, built field by field: {@code Api.campaign(incident).channels("sms").create()}. */
    public static CampaignDraft campaign(String incidentId) {
        return new CampaignDraft(incidentId);
    }

    /** POST /api/campaigns as a test writes it: credential-exposure, email, unless told otherwise. */
    public static final class CampaignDraft {
        private final Map<String, Object> body = new java.util.LinkedHashMap<>();
        private final Map<String, Object> segment = new java.util.LinkedHashMap<>();

        CampaignDraft(String incidentId) {
            body.put("incidentId", incidentId);
            body.put("name", "test notice");
            body.put("templateSet", "credential-exposure");
            body.put("channels", List.of("email"));
        }

        public CampaignDraft name(String name) {
            body.put("name", name);
            return this;
        }

        public CampaignDraft channels(String... channels) {
            body.put("channels", List.of(channels));
            return this;
        }

        public CampaignDraft policy(String policy) {
            body.put("channelPolicy", policy);
            return this;
        }

        public CampaignDraft maxAttempts(int attempts) {
            body.put("maxAttempts", attempts);
            return this;
        }

        public CampaignDraft set(String field, Object value) {
            body.put(field, value);
            return this;
        }

        public CampaignDraft segment(String field, List<String> values) {
            segment.put(field, values);
            body.put("segment", segment);
            return this;
        }

        public Map<String, Object> body() {
            return body;
        }

        /** Posts it; the answer, whatever it is. */
        public ValidatableResponse post() {
            return given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then();
        }

        /** Posts it, expects 201, returns the id. */
        public String create() {
            return post().statusCode(201).extract().path("id");
        }
    }

    public static String createCampaign(String incidentId, List<String> exposedAny) {
        return campaign(incidentId).name("Password reset notice").policy("all").segment("exposedAny", exposedAny)
                .maxAttempts(5).create();
    }

    /** Approval is a second person's act: Abel, the approver, gives it. */
    public static ValidatableResponse approve(String campaignId) {
        return TestUsers.as(TestUsers.APPROVER).contentType(ContentType.JSON).body("{\"comment\":\"checked\"}")
                .post("/api/campaigns/" + campaignId + "/approve").then();
    }

    /** Creates, approves (as Abel) and launches a campaign to everyone of the incident; returns once it COMPLETED. */
    public static String launchAndWait(String incidentId, String name, List<String> channels, String policy) {
        String campaign = campaign(incidentId).name(name).channels(channels.toArray(String[]::new)).policy(policy)
                .maxAttempts(5).create();
        approve(campaign).statusCode(200);
        post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        awaitCompleted(campaign);
        return campaign;
    }

    public static void awaitCompleted(String campaignId) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(300))
                .until(() -> "COMPLETED".equals(get("/api/campaigns/" + campaignId + "/stats").extract().path("status")));
    }

    public static ValidatableResponse post(String path) {
        return given().contentType(ContentType.JSON).body("{}").post(path).then();
    }

    public static ValidatableResponse get(String path) {
        return given().get(path).then();
    }
}
