package org.acme.voicewebhooks.cognigy;

import org.acme.voicewebhooks.cognigy.ratelimit.CognigyRateLimiter;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.settings.InvalidSettingException;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.webhook.WebhookException;
import org.apache.camel.component.http.HttpMethods;

/**
 * One outbound command as settings describe it ({@code cognigy.command.<name>.*}): enabled, method, URL template
 * (a path under the base URL, or a full URL), JSON body template, auth mode and the statuses that mean success.
 */
public final class CognigyCommand {

    /** How a command authenticates. */
    public enum Auth { LOGIN_TOKEN, OAUTH2, API_KEY, NONE }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    private final String name;
    private final boolean enabled;
    private final String method;
    private final PathTemplate url;
    private final JsonTemplate body;
    private final Auth auth;
    private final Set<Integer> successStatuses;
    private final Set<String> placeholders;
    private final boolean retryAmbiguous;

    private CognigyCommand(String name, boolean enabled, String method, PathTemplate url, JsonTemplate body, Auth auth,
            Set<Integer> successStatuses, Set<String> placeholders, boolean retryAmbiguous) {
        this.name = name;
        this.enabled = enabled;
        this.method = method;
        this.url = url;
        this.body = body;
        this.auth = auth;
        this.successStatuses = successStatuses;
        this.placeholders = placeholders;
        this.retryAmbiguous = retryAmbiguous;
    }

    public static CognigyCommand from(Settings s, ObjectMapper json, String name) {
        String prefix = "cognigy.command." + name + ".";
        String url = s.text(prefix + "url");
        String body = s.text(prefix + "body");
        JsonTemplate template = s.check(() -> {
            try {
                return JsonTemplate.parse(json, body);
            } catch (JsonProcessingException e) {
                throw new InvalidSettingException(prefix + "body is not JSON");
            }
        }, null);
        if (!url.startsWith("/") && !url.startsWith("http://") && !url.startsWith("https://")) {
            s.problem(prefix + "url must be a path starting with '/' or an http(s) URL");
        }
        Auth auth = s.check(() -> {
            try {
                return Auth.valueOf(s.text(prefix + "auth").toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(prefix + "auth must be login-token, oauth2, api-key or none");
            }
        }, Auth.NONE);
        Set<Integer> statuses = new LinkedHashSet<>();
        for (String status : s.text(prefix + "success-statuses").split(",")) {
            try {
                statuses.add(Integer.parseInt(status.strip()));
            } catch (NumberFormatException e) {
                s.problem(prefix + "success-statuses must list HTTP statuses, e.g. 200,201");
            }
        }
        Set<String> placeholders = new LinkedHashSet<>();
        for (String text : List.of(url, body)) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                placeholders.add(m.group(1));
            }
        }
        String method = s.text(prefix + "method").toUpperCase(Locale.ROOT);
        try {
            HttpMethods.valueOf(method);
        } catch (IllegalArgumentException e) {
            s.problem(prefix + "method must be an HTTP method, e.g. POST");
        }
        return new CognigyCommand(name, s.bool(prefix + "enabled"), method, new PathTemplate(url),
                template, auth, Set.copyOf(statuses), Set.copyOf(placeholders), s.bool(prefix + "retry-ambiguous"));
    }

    public boolean enabled() {
        return enabled;
    }

    public Auth auth() {
        return auth;
    }

    public Set<Integer> successStatuses() {
        return successStatuses;
    }

    public boolean retryAmbiguous() {
        return retryAmbiguous;
    }

    /**
     * The call of this command for a webhook's event and these values; a value the templates need but the webhook did
     * not carry is refused with {@code missingStatus}, naming the field.
     */
    public CognigyCall call(WebhookEvent event, Map<String, Object> values, String deliveryKey, int missingStatus) {
        String command = "cognigy-" + name;
        if (!enabled) {
            return new CognigyCall(command, false, method, "", "", auth, successStatuses, retryAmbiguous, "",
                    CognigyRateLimiter.priorityOf(command), event.sessionId(), event.logId(), event.urlToken());
        }
        for (String placeholder : placeholders) {
            if (values.get(placeholder) == null) {
                throw new WebhookException(missingStatus, (missingStatus == 422 ? "Invalid payload: " : "")
                        + placeholder + " is required by the " + name + " command");
            }
        }
        return new CognigyCall(command, true, method, url.expand(values), body.render(values), auth, successStatuses,
                retryAmbiguous, CognigyCall.idempotencyKey(deliveryKey, command), CognigyRateLimiter.priorityOf(command),
                event.sessionId(), event.logId(), event.urlToken());
    }
}
