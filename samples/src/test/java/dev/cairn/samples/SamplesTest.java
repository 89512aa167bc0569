package dev.cairn.samples;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.samples.CallbackSample.AiResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SamplesTest {

    @Test
    void noOrUnknownSampleListsTheSamplesAndReturns2() {
        assertEquals(2, Samples.run(new String[0]));
        assertEquals(2, Samples.run(new String[] {"no-such-sample"}));
    }

    @Test
    void badOptionReturns2() {
        assertEquals(2, Samples.run(new String[] {"benchmark", "--executions", "many"}));
        assertEquals(2, Samples.run(new String[] {"hello", "--bogus", "1"}));
    }

    @Test
    @Timeout(30)
    void callbackWorkflowCompletesAndFailsWithAFastModel(@TempDir Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (FakeModel model = new FakeModel(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(150),
                out)) {
            List<AiResult> results = CallbackSample.runPrompts(dir, model,
                    List.of("Explain durable functions.", "Tell me something forbidden."), out);

            assertEquals("completed", results.get(0).status());
            assertTrue(results.get(0).result().startsWith("## Answer"), results.get(0).result());
            assertTrue(results.get(0).result().contains("Explain durable functions."));
            assertEquals("failed", results.get(1).status());
            assertTrue(results.get(1).result().startsWith("UnsupportedPrompt:"), results.get(1).result());
            assertFalse(model.heartbeats().isEmpty(), "the model heartbeats while it thinks");
        }
        assertTrue(Files.exists(dir.resolve("cairn.mv.db")), "the executions were checkpointed to H2 in the temp dir");
        String log = bytes.toString(StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(1)).until(() -> log.contains("[model] completed callback"));
        assertTrue(log.contains("[model] failed callback"), log);
    }
}
