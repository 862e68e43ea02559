package org.acme.voicewebhooks.cognigy;

import org.acme.voicewebhooks.webhook.Budget;
import org.acme.voicewebhooks.webhook.BudgetSpentException;
import java.io.IOException;
import java.time.Duration;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/** Times every request to Cognigy, by endpoint (the command, or the login) and status. */
public final class CognigyCallTimer implements ExecChainHandler {

    private final WebhookMetrics metrics;
    private final String loginPath;

    public CognigyCallTimer(WebhookMetrics metrics, String loginPath) {
        this.metrics = metrics;
        this.loginPath = loginPath;
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        String endpoint = request.getPath() != null && request.getPath().endsWith(loginPath) ? "login"
                : String.valueOf(Budget.threadLabel());
        long start = System.nanoTime();
        String status = "io_error";
        try {
            ClassicHttpResponse response = chain.proceed(request, scope);
            status = String.valueOf(response.getCode());
            return response;
        } catch (BudgetSpentException spent) {
            status = "out_of_time";
            throw spent;
        } finally {
            metrics.cognigyCall(endpoint, status, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
