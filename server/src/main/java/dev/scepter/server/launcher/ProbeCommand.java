package dev.scepter.server.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scepter probe}: asks a running instance's {@code /probe} whether it is healthy. It is the
 * container image's health check, where no curl or shell is installed to ask it another way.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Asks a running Scepter whether it is healthy (its /probe answers 200); exits 0 if so, 1 if not.")
public final class ProbeCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/probe", paramLabel = "URL",
            description = "The instance's probe (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "How long to wait for the answer (default: ${DEFAULT-VALUE} s).")
    int timeoutSeconds;

    @Override
    public Integer call() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(timeoutSeconds)).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            System.out.println(url + ": " + response.statusCode() + " " + response.body().strip());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            System.out.println(url + ": no answer (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
