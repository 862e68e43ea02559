package org.acme.voicewebhooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.acme.voicewebhooks.bargein.BargeInSettings;
import org.acme.voicewebhooks.cognigy.CognigySettings;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesFunction;
import org.junit.jupiter.api.Test;

/** The production settings read as they ship: a start without the deployment's variables stops, naming them. */
class SettingsTest {

    private static Settings shipped(String... overrides) {
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
                return colon < 0 ? null : remainder.substring(colon + 1);
            }
        });
        Properties p = new Properties();
        for (int i = 0; i < overrides.length; i += 2) {
            p.setProperty(overrides[i], overrides[i + 1]);
        }
        context.getPropertiesComponent().setOverrideProperties(p);
        return Settings.of(context);
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
    void completeSettingsAreAccepted() {
        CognigySettings cognigy = CognigySettings.from(shipped(COMPLETE));

        assertThat(cognigy.baseUrl()).isEqualTo("https://tenant.example.test");
        assertThat(cognigy.retry()).isEqualTo(new CognigySettings.Retry(3, 100, 2.0, 2000));
        assertThat(cognigy.toString()).doesNotContain("secret");
        assertThat(BargeInSettings.from(shipped(COMPLETE)).confidenceThreshold()).isEqualTo(0.75);
    }

    @Test
    void missingBaseUrlNamesTheVariable() {
        assertThatThrownBy(() -> CognigySettings.from(shipped(without("cognigy.base-url"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("missing COGNIGY_BASE_URL");
    }

    @Test
    void missingCredentialsNameTheirVariables() {
        assertThatThrownBy(() -> CognigySettings.from(shipped(without("cognigy.client-id"))))
                .hasMessageStartingWith("missing COGNIGY_CLIENT_ID");
        assertThatThrownBy(() -> CognigySettings.from(shipped(without("cognigy.client-secret"))))
                .hasMessageStartingWith("missing COGNIGY_CLIENT_SECRET");
        assertThatThrownBy(() -> CognigySettings.from(shipped(without("cognigy.api-key"))))
                .hasMessageStartingWith("missing COGNIGY_API_KEY");
    }

    @Test
    void baseUrlMustBeHttp() {
        String[] bad = COMPLETE.clone();
        bad[1] = "ftp://tenant";
        assertThatThrownBy(() -> CognigySettings.from(shipped(bad)))
                .hasMessageContaining("COGNIGY_BASE_URL").hasMessageContaining("http(s) URL");
    }

    @Test
    void thresholdOutsideZeroToOneStopsStartUp() {
        assertThatThrownBy(() -> BargeInSettings.from(shipped("bargein.confidence-threshold", "1.5")))
                .hasMessageStartingWith("bargein.confidence-threshold must be a number from 0.0 to 1.0");
        assertThatThrownBy(() -> BargeInSettings.from(shipped("bargein.confidence-threshold", "high")))
                .hasMessageStartingWith("bargein.confidence-threshold must be a number");
    }
}
