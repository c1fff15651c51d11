package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.HistorySettings;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.participant.faults.FaultInjectingOps;
import dev.imagine.participant.faults.KernelFaults;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app in a real browser (Debian's Chromium, headless, through its chromedriver) on the real system: sign in,
 * a refused prompt's inline error, live progress, the grid and its buttons, a variation, the gallery on a phone-sized
 * screen, and the gallery again after a restart of the whole system. Each step's screenshot is kept under
 * {@code ops/target/browser-screenshots}. Without a chromedriver the test is skipped, unless IMAGINE_REQUIRE_BROWSER
 * is true (as {@code ops/test}, which installs Chromium, sets it).
 */
class WebAppBrowserTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target", "browser-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path var;
    static LocalCluster cluster;
    static ChromeDriver browser;
    static String key;
    static int port;
    static final KernelFaults faults = new KernelFaults();

    @BeforeAll
    static void start() throws Exception {
        boolean required = "true".equals(System.getenv("IMAGINE_REQUIRE_BROWSER"));
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            if (required) {
                throw new AssertionError("IMAGINE_REQUIRE_BROWSER is true but " + CHROMEDRIVER + " or " + CHROMIUM
                        + " is missing (apt-get install chromium chromium-driver)");
            }
            Assumptions.abort("no Chromium here: apt-get install chromium chromium-driver");
        }
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // fixed across the restart: the page's origin (and its stored key) stay
        }
        cluster = startSystem();
        try (CuratorFramework zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10))) {
            key = new AccountStore(zk).create("wren", Plan.PRO, System.currentTimeMillis());
        }
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build(), options);
    }

    private static LocalCluster startSystem() throws Exception {
        LocalCluster started = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", port, 1, 2, ModelPreset.TINY,
                "v8", Duration.ofSeconds(3))).withHistory(HistorySettings.EMBEDDED)
                .withKernels((slot, ops) -> new FaultInjectingOps(ops, faults)).start();
        started.awaitReady(2, Duration.ofSeconds(90));
        return started;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void signInSubmitWatchActAndBrowseAcrossARestart() throws Exception {
        browser.get("http://127.0.0.1:" + port + "/");
        visible("sign-in");
        type("api-key", "imk_wrong");
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        awaitText("sign-in-error", "not valid");
        shot("01-wrong-key");

        type("api-key", key);
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        visible("studio");
        awaitText("plan", "pro plan");
        shot("02-signed-in");

        type("prompt", "a fox --ar 9:1");
        browser.findElement(By.id("imagine")).click();
        awaitText("prompt-error", "--ar");
        shot("03-inline-error");

        faults.slow(20);
        String first;
        try {
            type("prompt", "a red fox in snow --seed 3");
            browser.findElement(By.id("imagine")).click();
            waitUntil(() -> "PROCESSING".equals(attribute("state", "data-state"))
                    && Double.parseDouble(browser.findElement(By.id("progress")).getDomProperty("value")) > 0);
            shot("04-live-progress");
            first = attribute("current", "data-job");
        } finally {
            faults.heal();
        }
        waitUntil(() -> "COMPLETED".equals(attribute("state", "data-state")) && imageLoaded("result"));
        visible("buttons");
        shot("05-grid-with-buttons");

        browser.findElement(By.cssSelector("#buttons button[data-action='variation'][data-index='2']")).click();
        waitUntil(() -> !first.equals(attribute("current", "data-job")));
        waitUntil(() -> "COMPLETED".equals(attribute("state", "data-state")) && imageLoaded("result"));
        String variation = attribute("current", "data-job");
        shot("06-variation");

        waitUntil(() -> gallery().size() >= 2 && gallery().stream().allMatch(f -> !f.findElements(By.tagName("img")).isEmpty()));
        gallery().getFirst().findElement(By.tagName("img")).click();
        waitUntil(() -> browser.findElement(By.id("lightbox")).isDisplayed() && imageLoaded("lightbox-image"));
        shot("07-full-size");
        browser.findElement(By.id("lightbox-close")).click();

        browser.manage().window().setSize(new Dimension(390, 844));
        waitUntil(() -> gallery().size() >= 2);
        long columns = (Long) script("return getComputedStyle(document.getElementById('gallery'))"
                + ".gridTemplateColumns.split(' ').length");
        assertThat(columns).isEqualTo(2);
        assertThat((Long) script("return document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
        shot("08-phone");
        assertThat((Boolean) script("return performance.getEntriesByType('resource')"
                + ".every(e => e.name.startsWith(location.origin))")).as("nothing loaded from outside the API").isTrue();

        cluster.close();
        cluster = startSystem();
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.navigate().refresh();
        visible("studio");
        waitUntil(() -> gallery().stream().map(f -> f.getDomAttribute("data-job")).toList().containsAll(List.of(first, variation)));
        shot("09-gallery-after-restart");
    }

    private static List<WebElement> gallery() {
        return browser.findElements(By.cssSelector("#gallery figure"));
    }

    private static void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    private static String attribute(String id, String name) {
        return browser.findElement(By.id(id)).getDomAttribute(name);
    }

    private static boolean imageLoaded(String id) {
        return (Boolean) script("const i = document.getElementById('" + id + "'); return i.complete && i.naturalWidth > 0;");
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static void visible(String id) {
        waitUntil(() -> browser.findElement(By.id(id)).isDisplayed());
    }

    private static void awaitText(String id, String text) {
        waitUntil(() -> browser.findElement(By.id(id)).getText().contains(text));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, WAIT).ignoring(RuntimeException.class).until(driver -> condition.getAsBoolean());
    }

    private static void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
