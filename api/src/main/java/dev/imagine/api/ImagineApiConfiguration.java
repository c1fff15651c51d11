package dev.imagine.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;

/** The API's configuration (YAML); field names carry their units. */
public class ImagineApiConfiguration extends Configuration {
    @NotEmpty
    private String zkAddress = "127.0.0.1:2181";

    @NotEmpty
    private String imageDir = "var/images";

    @NotEmpty
    private String defaultModelVersion = "v8";

    @NotEmpty
    private String defaultMode = "fast";

    @Min(1000)
    private long zkSessionTimeoutMillis = 10_000;

    @JsonProperty
    public String getZkAddress() {
        return zkAddress;
    }

    @JsonProperty
    public void setZkAddress(String zkAddress) {
        this.zkAddress = zkAddress;
    }

    @JsonProperty
    public String getImageDir() {
        return imageDir;
    }

    @JsonProperty
    public void setImageDir(String imageDir) {
        this.imageDir = imageDir;
    }

    @JsonProperty
    public String getDefaultModelVersion() {
        return defaultModelVersion;
    }

    @JsonProperty
    public void setDefaultModelVersion(String defaultModelVersion) {
        this.defaultModelVersion = defaultModelVersion;
    }

    @JsonProperty
    public String getDefaultMode() {
        return defaultMode;
    }

    @JsonProperty
    public void setDefaultMode(String defaultMode) {
        this.defaultMode = defaultMode;
    }

    @JsonProperty
    public long getZkSessionTimeoutMillis() {
        return zkSessionTimeoutMillis;
    }

    @JsonProperty
    public void setZkSessionTimeoutMillis(long zkSessionTimeoutMillis) {
        this.zkSessionTimeoutMillis = zkSessionTimeoutMillis;
    }
}
