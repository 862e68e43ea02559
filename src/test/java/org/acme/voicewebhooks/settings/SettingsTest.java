package org.acme.voicewebhooks.settings;

import org.acme.voicewebhooks.stores.Database;
import org.acme.voicewebhooks.stores.RabbitMq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.acme.voicewebhooks.asr.AsrSettings;
import org.acme.voicewebhooks.bargein.BargeInSettings;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.acme.voicewebhooks.duplicates.PostgresDeliveryWindow;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.records.AcousticPrivacy;
import org.acme.voicewebhooks.records.AcousticSettings;
import org.acme.voicewebhooks.records.AcousticStream;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesFunction;
import org.junit.jupiter.api.Test;

/** The production settings read as they ship: a start without the deployment's variables stops, naming them. */
class SettingsTest {

    private static CognigySettings cognigy(Settings settings) {
        return checked(settings, CognigySettings.from(settings, new com.fasterxml.jackson.databind.ObjectMapper()));
    }

    /** What was read, once start-up would have gone on: every problem stops it. */
    private static <T> T checked(Settings settings, T read) {
        settings.stopIfInvalid();
        return read;
    }

    private static BargeInSettings bargeIn(Settings settings) {
        return checked(settings, BargeInSettings.from(settings));
    }

    private static Settings shipped(String... overrides) {
        return Settings.of(context(Map.of(), overrides));
    }

    /** The shipped application.properties, with the given environment variables and overrides. */
    private static CamelContext context(Map<String, String> environment, String... overrides) {
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:application.properties");
        // an empty environment, so the test never depends on the machine's variables
        context.getPropertiesComponent().addPropertiesFunction(new PropertiesFunction() {
            @Override
            public String getName() {
                return "env";
            }

            @Override
            public String apply(String remainder) {
                int colon = remainder.indexOf(':');
                String name = colon < 0 ? remainder : remainder.substring(0, colon);
                return environment.getOrDefault(name, colon < 0 ? null : remainder.substring(colon + 1));
            }
        });
        Properties p = new Properties();
        for (int i = 0; i < overrides.length; i += 2) {
            p.setProperty(overrides[i], overrides[i + 1]);
        }
        context.getPropertiesComponent().setOverrideProperties(p);
        return context;
    }

    private static final String[] COMPLETE = {
        "cognigy.base-url", "https://tenant.example.test/",
        "cognigy.client-id", "id", "cognigy.client-secret", "secret", "cognigy.api-key", "key"};

    private static String[] without(String key) {
        java.util.List<String> kv = new java.util.ArrayList<>();
        for (int i = 0; i < COMPLETE.length; i += 2) {
            if (!COMPLETE[i].equals(key)) {
                kv.add(COMPLETE[i]);
                kv.add(COMPLETE[i + 1]);
            }
        }
        return kv.toArray(String[]::new);
    }

    @Test
    void everyMissingCredentialIsNamedInOneStart() {
        assertThatThrownBy(() -> cognigy(shipped()))
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(4)
                        .anySatisfy(l -> assertThat(l).startsWith("missing COGNIGY_BASE_URL"))
                        .anySatisfy(l -> assertThat(l).startsWith("missing COGNIGY_CLIENT_ID"))
                        .anySatisfy(l -> assertThat(l).startsWith("missing COGNIGY_CLIENT_SECRET"))
                        .anySatisfy(l -> assertThat(l).startsWith("missing COGNIGY_API_KEY")));
    }

    @Test
    void completeSettingsAreAccepted() {
        CognigySettings cognigy = cognigy(shipped(COMPLETE));

        assertThat(cognigy.baseUrl()).isEqualTo("https://tenant.example.test");
        assertThat(cognigy.retry()).isEqualTo(new CognigySettings.Retry(3, 100, 2.0, 2000, 100));
        assertThat(cognigy.toString()).doesNotContain("secret");
        assertThat(BargeInSettings.from(shipped(COMPLETE)).confidenceThreshold()).isEqualTo(0.75);
    }

    @Test
    void aRabbitMqStoreNeedsAValidUrlAndAStoreIsFileOrRabbitMq() {
        Settings unknown = shipped("deadletter.store", "kafka");
        assertThat(RabbitMq.uses(unknown, "deadletter.store", "DEAD_LETTER_STORE")).isFalse();
        assertThatThrownBy(unknown::stopIfInvalid)
                .hasMessageStartingWith("DEAD_LETTER_STORE (setting deadletter.store) must be file or rabbitmq, was 'kafka'");

        Settings noUrl = shipped("acoustic.store", "rabbitmq");
        assertThat(RabbitMq.uses(noUrl, "acoustic.store", "ACOUSTIC_STORE")).isTrue();
        RabbitMq.from(noUrl);
        assertThatThrownBy(noUrl::stopIfInvalid).hasMessageStartingWith("missing RABBITMQ_URL");

        Settings badUrl = shipped("rabbitmq.url", "http://guest:s3cret@host/");
        RabbitMq.from(badUrl);
        assertThatThrownBy(badUrl::stopIfInvalid).hasMessageContaining("RABBITMQ_URL").message().doesNotContain("s3cret");

        RabbitMq rabbit = RabbitMq.from(shipped("rabbitmq.url", "amqp://guest:s3cret@rabbit.example.test:5673/webhooks"));
        assertThat(rabbit.where()).isEqualTo("rabbit.example.test:5673 (vhost webhooks)");
    }

    @Test
    void theStreamsMaxAgeIsWhatRabbitMqTakesAsXMaxAge() {
        assertThat(AcousticStream.maxAge(shipped())).isEqualTo("30D");
        assertThat(AcousticStream.maxAge(shipped("acoustic.stream-max-age", "12h"))).isEqualTo("12h");
        assertThat(AcousticStream.maxAge(shipped("acoustic.stream-max-age", ""))).isEmpty();

        Settings bad = shipped("acoustic.stream-max-age", "7 days");
        AcousticStream.maxAge(bad);
        assertThatThrownBy(bad::stopIfInvalid).hasMessageStartingWith(
                "ACOUSTIC_STREAM_MAX_AGE (setting acoustic.stream-max-age) must be a number and one of the units");
    }

    @Test
    void missingBaseUrlNamesTheVariable() {
        assertThatThrownBy(() -> cognigy(shipped(without("cognigy.base-url"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("missing COGNIGY_BASE_URL");
    }

    @Test
    void missingCredentialsNameTheirVariables() {
        assertThatThrownBy(() -> cognigy(shipped(without("cognigy.client-id"))))
                .hasMessageStartingWith("missing COGNIGY_CLIENT_ID");
        assertThatThrownBy(() -> cognigy(shipped(without("cognigy.client-secret"))))
                .hasMessageStartingWith("missing COGNIGY_CLIENT_SECRET");
        assertThatThrownBy(() -> cognigy(shipped(without("cognigy.api-key"))))
                .hasMessageStartingWith("missing COGNIGY_API_KEY");
    }

    @Test
    void baseUrlMustBeHttp() {
        String[] bad = COMPLETE.clone();
        bad[1] = "ftp://tenant";
        assertThatThrownBy(() -> cognigy(shipped(bad)))
                .hasMessageContaining("COGNIGY_BASE_URL").hasMessageContaining("http(s) URL");
    }

    @Test
    void thresholdOutsideZeroToOneStopsStartUp() {
        assertThatThrownBy(() -> bargeIn(shipped("bargein.confidence-threshold", "1.5")))
                .hasMessageStartingWith("BARGEIN_CONFIDENCE_THRESHOLD (setting bargein.confidence-threshold) must be a number"
                        + " from 0.0 to 1.0");
        assertThatThrownBy(() -> bargeIn(shipped("bargein.confidence-threshold", "high")))
                .hasMessageContaining("bargein.confidence-threshold) must be a number");
    }

    @Test
    void bargeInVerdictDefaultsAreTheSpecs() {
        BargeInSettings bargeIn = bargeIn(shipped());

        assertThat(bargeIn.backchannelPhrases())
                .containsExactlyInAnyOrder("ok", "okay", "uh huh", "mm hmm", "mhm", "yeah", "yes", "right", "sure");
        assertThat(bargeIn.minWords()).isEqualTo(1);
        assertThat(bargeIn.backchannelStopsTts()).isFalse();
        assertThat(bargeIn.protectedNodes()).isEmpty();
    }

    @Test
    void bargeInVerdictSettingsAreRead() {
        BargeInSettings bargeIn = bargeIn(shipped("bargein.backchannel-phrases", "Got it., alright",
                "bargein.min-words", "0", "bargein.backchannel-stops-tts", "TRUE",
                "bargein.protected-nodes", " node-legal-disclosure ,node-terms"));

        assertThat(bargeIn.backchannelPhrases()).containsExactlyInAnyOrder("got it", "alright");
        assertThat(bargeIn.minWords()).isZero();
        assertThat(bargeIn.backchannelStopsTts()).isTrue();
        assertThat(bargeIn.protectedNodes()).containsExactlyInAnyOrder("node-legal-disclosure", "node-terms");
        assertThat(bargeIn(shipped("bargein.backchannel-phrases", "")).backchannelPhrases()).isEmpty();
    }

    @Test
    void invalidBargeInVerdictSettingsStopStartUpNamingEachOne() {
        assertThatThrownBy(() -> bargeIn(shipped("bargein.backchannel-phrases", "okay, ?!",
                "bargein.min-words", "-1", "bargein.backchannel-stops-tts", "sometimes",
                "bargein.protected-nodes", "node-a,,node-b")))
                .hasMessageContaining("bargein.backchannel-phrases: '?!' has no word to compare")
                .hasMessageContaining("bargein.min-words must be a whole number from 0 to 100, was '-1'")
                .hasMessageContaining("bargein.backchannel-stops-tts must be true or false, was 'sometimes'")
                .hasMessageContaining("bargein.protected-nodes must be a comma-separated list without empty entries");
        assertThatThrownBy(() -> bargeIn(shipped("bargein.min-words", "many")))
                .hasMessageContaining("bargein.min-words must be a whole number");
    }

    private static AsrSettings asr(Map<String, String> environment, String... overrides) {
        CamelContext context = context(environment, overrides);
        Settings settings = Settings.of(context);
        return checked(settings, AsrSettings.from(settings, context.getPropertiesComponent()));
    }

    @Test
    void asrDefaultsAreTheSpecs() {
        AsrSettings asr = asr(Map.of("COGNIGY_API_KEY", "tenant-key"));

        assertThat(asr.defaultThreshold()).isEqualTo(0.75);
        assertThat(asr.webhookApiKey()).isEqualTo("tenant-key");
        assertThat(asr.toString()).doesNotContain("tenant-key");
    }

    @Test
    void asrWebhookKeyHasItsOwnVariable() {
        AsrSettings asr = asr(Map.of("COGNIGY_API_KEY", "tenant-key", "ASR_WEBHOOK_API_KEY", "caller-key"));

        assertThat(asr.webhookApiKey()).isEqualTo("caller-key");
    }

    @Test
    void missingAsrWebhookKeyStopsStartUp() {
        assertThatThrownBy(() -> asr(Map.of())).hasMessageStartingWith("missing ASR_WEBHOOK_API_KEY (or COGNIGY_API_KEY)");
    }

    @Test
    void invalidAsrThresholdStopsStartUpNamingIt() {
        assertThatThrownBy(() -> asr(Map.of("COGNIGY_API_KEY", "k", "ASR_THRESHOLD", "high")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ASR_THRESHOLD (setting asr.confidence-threshold) must be a number from 0.0 to 1.0");
        assertThatThrownBy(() -> asr(Map.of("COGNIGY_API_KEY", "k", "ASR_THRESHOLD", "1.01")))
                .hasMessageStartingWith("ASR_THRESHOLD");
        assertThatThrownBy(() -> asr(Map.of("COGNIGY_API_KEY", "k", "ASR_THRESHOLD", "-0.5")))
                .hasMessageStartingWith("ASR_THRESHOLD");
    }

    @Test
    void perFlowThresholdsAreReadAndChecked() {
        AsrSettings asr = asr(Map.of("COGNIGY_API_KEY", "k"), "asr.flow-threshold.billing", "0.6");

        assertThat(asr.thresholdFor("billing")).isEqualTo(0.6);
        assertThat(asr.thresholdFor("other")).isEqualTo(0.75);
        assertThatThrownBy(() -> asr(Map.of("COGNIGY_API_KEY", "k"), "asr.flow-threshold.billing", "lots"))
                .hasMessageStartingWith("asr.flow-threshold.billing must be a number");
    }

    @Test
    void thresholdListsFromTheEnvironmentWinOverTheFileLines() {
        AsrSettings asr = asr(Map.of("COGNIGY_API_KEY", "k", "ASR_FLOW_THRESHOLDS", "billing=0.4, sales = 0.7,",
                        "ASR_NODE_THRESHOLDS", "confirm-amount=0.9"),
                "asr.flow-threshold.billing", "0.6", "asr.flow-threshold.support", "0.5");

        assertThat(asr.flowThresholds()).isEqualTo(Map.of("billing", 0.4, "sales", 0.7, "support", 0.5));
        assertThat(asr.nodeThresholds()).isEqualTo(Map.of("confirm-amount", 0.9));
    }

    @Test
    void aMalformedThresholdListEntryStopsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> asr(Map.of("COGNIGY_API_KEY", "k",
                "ASR_NODE_THRESHOLDS", "confirm-amount", "ASR_FLOW_THRESHOLDS", "billing=0.4,=0.5,sales=high,support=1.5")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("ASR_NODE_THRESHOLDS (setting asr.node-thresholds) entries must be id=<number from 0.0 "
                        + "to 1.0>, was 'confirm-amount'")
                .hasMessageContaining("ASR_FLOW_THRESHOLDS (setting asr.flow-thresholds) entries must be id=<number from 0.0 "
                        + "to 1.0>, was '=0.5'")
                .hasMessageContaining("ASR_FLOW_THRESHOLDS (setting asr.flow-thresholds) entries must be id=<number from 0.0 "
                        + "to 1.0>, was 'sales=high'")
                .hasMessageContaining("ASR_FLOW_THRESHOLDS (setting asr.flow-thresholds) entries must be id=<number from 0.0 "
                        + "to 1.0>, was 'support=1.5'")
                .message().doesNotContain("'billing=0.4'");
    }

    @Test
    void asrQualityDefaultsAreTheSpecs() {
        AsrSettings asr = asr(Map.of("COGNIGY_API_KEY", "k"));

        assertThat(asr.missingConfidence()).isEqualTo(AsrSettings.MissingConfidence.REJECT);
        assertThat(asr.maxClarifications()).isEqualTo(2);
        assertThat(asr.clarificationWindow()).isEqualTo(java.time.Duration.ofSeconds(300));
        assertThat(asr.escalationNode()).isEqualTo("escalate-to-agent");
        assertThat(asr.shadow()).isEmpty();
        assertThat(asr.nodeThresholds()).isEmpty();
    }

    @Test
    void perNodeThresholdsWinOverPerFlowOnesAndAreChecked() {
        AsrSettings asr = asr(Map.of("COGNIGY_API_KEY", "k"), "asr.flow-threshold.billing", "0.6",
                "asr.threshold.node.confirm-amount", "0.85");

        assertThat(asr.thresholdFor("billing", "confirm-amount")).isEqualTo(0.85);
        assertThat(asr.thresholdFor("billing", "other-node")).isEqualTo(0.6);
        assertThat(asr.thresholdFor("other", "confirm-amount")).isEqualTo(0.85);
        assertThat(asr.thresholdFor("other", null)).isEqualTo(0.75);
        assertThatThrownBy(() -> asr(Map.of("COGNIGY_API_KEY", "k"), "asr.threshold.node.confirm-amount", "1.2"))
                .hasMessageStartingWith("asr.threshold.node.confirm-amount must be a number from 0.0 to 1.0");
    }

    @Test
    void invalidAsrQualitySettingsAreNamedInOneStart() {
        assertThatThrownBy(() -> asr(Map.of("COGNIGY_API_KEY", "k"), "asr.missing-confidence", "ignore",
                "asr.max-clarifications", "-1", "asr.clarification-window-seconds", "0", "asr.escalation-node", "",
                "asr.shadow-threshold", "high"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("asr.missing-confidence must be reject, clarify or pass, was 'ignore'")
                .hasMessageContaining("asr.max-clarifications must be a whole number from 0 to 1000")
                .hasMessageContaining("asr.clarification-window-seconds must be a whole number from 1 to 86400")
                .hasMessageContaining("missing setting asr.escalation-node")
                .hasMessageContaining("asr.shadow-threshold must be a number from 0.0 to 1.0");
        assertThat(asr(Map.of("COGNIGY_API_KEY", "k"), "asr.missing-confidence", "Clarify", "asr.shadow-threshold", "0.6"))
                .satisfies(asr -> {
                    assertThat(asr.missingConfidence()).isEqualTo(AsrSettings.MissingConfidence.CLARIFY);
                    assertThat(asr.shadow()).hasValue(0.6);
                });
    }

    @Test
    void acousticDefaults() {
        AcousticSettings acoustic = AcousticSettings.from(shipped());

        assertThat(acoustic.dir()).isEqualTo(Path.of("data/acoustic"));
        assertThat(acoustic.maxFileBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(acoustic.batchMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(acoustic.retentionDays()).isEqualTo(30);
        assertThat(acoustic.timeSlot().format(Instant.parse("2026-11-22T14:05:00Z"))).isEqualTo("2026-11-22T14");
        assertThat(acoustic.instanceName()).isNotBlank().matches("[A-Za-z0-9._-]+");
    }

    @Test
    void acousticRecordsAreRedactedByDefaultAndAShortPseudonymisationKeyStopsStartUpUnnamed() {
        Settings defaults = shipped();
        assertThat(checked(defaults, AcousticPrivacy.from(defaults)).toString())
                .isEqualTo("AcousticPrivacy[redact=true, pseudonymised=false]");
        Settings keyed = Settings.of(context(Map.of("ACOUSTIC_PSEUDONYMISE_KEY", "a-long-enough-key-4711")));
        assertThat(checked(keyed, AcousticPrivacy.from(keyed)).sessionId("s-1")).matches("[0-9a-f]{64}");

        Settings shortKey = shipped("acoustic.pseudonymise-key", "short-key", "acoustic.redact", "maybe");
        AcousticPrivacy.from(shortKey);
        assertThatThrownBy(shortKey::stopIfInvalid)
                .hasMessageContaining("acoustic.redact must be true or false")
                .hasMessageContaining("ACOUSTIC_PSEUDONYMISE_KEY (setting acoustic.pseudonymise-key) must be at least 16")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short-key"));
    }

    private static java.util.Optional<org.acme.voicewebhooks.cognigy.ratelimit.RateLimitSettings> rateLimit(Map<String, String> environment,
            String... overrides) {
        Settings settings = Settings.of(context(environment, overrides));
        return checked(settings, org.acme.voicewebhooks.cognigy.ratelimit.RateLimitSettings.from(settings));
    }

    @Test
    void cognigyRateLimitIsOffUnlessSetAndReadFromItsVariable() {
        assertThat(rateLimit(Map.of())).isEmpty();
        assertThat(rateLimit(Map.of("COGNIGY_RATE_LIMIT", "1000/300s", "COGNIGY_RATE_LIMIT_INSTANCES", "4")))
                .hasValueSatisfying(limit -> {
                    assertThat(limit.count()).isEqualTo(1000);
                    assertThat(limit.seconds()).isEqualTo(300);
                    assertThat(limit.instances()).isEqualTo(4);
                    assertThat(limit.urgentReserve()).isEqualTo(0.1);
                    assertThat(limit.replayReserve()).isEqualTo(0.3);
                });
    }

    @Test
    void malformedCognigyRateLimitStopsStartUpNamingIt() {
        for (String bad : new String[] {"1000", "1000/300", "0/300s", "1000/0s", "ten/300s", "1000 per 300s"}) {
            assertThatThrownBy(() -> rateLimit(Map.of("COGNIGY_RATE_LIMIT", bad)))
                    .hasMessageStartingWith("COGNIGY_RATE_LIMIT (setting cognigy.rate-limit) must be <count>/<seconds>s");
        }
        assertThatThrownBy(() -> rateLimit(Map.of("COGNIGY_RATE_LIMIT", "2/300s", "COGNIGY_RATE_LIMIT_INSTANCES", "3")))
                .hasMessageContaining("fewer than cognigy.rate-limit-instances");
        assertThatThrownBy(() -> rateLimit(Map.of("COGNIGY_RATE_LIMIT", "100/60s"), "cognigy.rate-limit-replay-reserve", "0.05"))
                .hasMessageContaining("cognigy.rate-limit-replay-reserve (0.05) must be at least cognigy.rate-limit-urgent-reserve");
    }

    private static Optional<PostgresDeliveryWindow> duplicateStore(Settings settings) {
        Optional<javax.sql.DataSource> database = Database.from(settings);
        try {
            return checked(settings, PostgresDeliveryWindow.from(settings, database, "webhooks", 2500,
                    new WebhookMetrics(new DefaultCamelContext())));
        } finally {
            database.ifPresent(pool -> ((com.zaxxer.hikari.HikariDataSource) pool).close());
        }
    }

    @Test
    void duplicatesStayInMemoryUnlessTheStoreIsPostgres() {
        assertThat(duplicateStore(Settings.of(context(Map.of())))).isEmpty();
        assertThatThrownBy(() -> duplicateStore(Settings.of(context(Map.of("DUPLICATES_STORE", "redis")))))
                .hasMessage("DUPLICATES_STORE (setting duplicates.store) must be memory or postgres, was 'redis'");
    }

    @Test
    void aPostgresDuplicateStoreNeedsTheDatabaseUrl() {
        assertThatThrownBy(() -> duplicateStore(Settings.of(context(Map.of("DUPLICATES_STORE", "postgres")))))
                .hasMessageStartingWith("DUPLICATES_STORE=postgres needs DATABASE_URL (setting database.url)");
        Optional<PostgresDeliveryWindow> shared = duplicateStore(Settings.of(context(Map.of("DUPLICATES_STORE", "postgres",
                "DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/test"))));
        assertThat(shared).hasValueSatisfying(window -> assertThat(window.table()).isEqualTo("webhooks_deliveries"));
    }
}
