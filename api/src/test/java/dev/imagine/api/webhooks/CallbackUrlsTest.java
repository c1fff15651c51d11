package dev.imagine.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.api.errors.BadRequestException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackUrlsTest {
    private final CallbackUrls production = new CallbackUrls(false);
    private final CallbackUrls development = new CallbackUrls(true);

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/", "http://172.16.0.9/",
            "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/", "http://0.0.0.0/",
            "http://[::1]/", "http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/"})
    void refusesLoopbackAndPrivateAddressesUnlessAllowed(String url) {
        assertThatThrownBy(() -> production.check(url)).isInstanceOfSatisfying(BadRequestException.class,
                e -> assertThat(e.field()).isEqualTo("callbackUrl")).hasMessageContaining("private");
        assertThat(development.check(url).toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "http://user:pw@example.com/", "http:///nohost",
            "not a url", "javascript:alert(1)"})
    void refusesWhatIsNotAPlainHttpUrl(String url) {
        assertThatThrownBy(() -> development.check(url)).isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("callbackUrl ");
    }

    @org.junit.jupiter.api.Test
    void acceptsAPublicAddress() {
        assertThat(production.check("https://93.184.215.14/hooks/imagine").getHost()).isEqualTo("93.184.215.14");
        assertThatThrownBy(() -> production.check("https://x/" + "a".repeat(CallbackUrls.MAX_LENGTH)))
                .hasMessageContaining("limit is");
    }
}
