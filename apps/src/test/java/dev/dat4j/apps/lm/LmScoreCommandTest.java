package dev.dat4j.apps.lm;

import dev.dat4j.apps.testutil.Cli;
import dev.dat4j.autograd.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dat4j lm score} on a checkpoint trained by the reference code (fixtures made by
 * {@code tools/reference/score_check.py}): the loss must equal the reference's eval-mode loss.
 */
class LmScoreCommandTest {
    private static final Path DIR = Cli.resource("score");
    private static final String CONFIG = DIR.resolve("lm.json").toString(), WEIGHTS = DIR.resolve("lm.safetensors").toString();

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static double expected(String key) throws IOException {
        Map<String, Object> lm = (Map<String, Object>) Json.parseObject(Files.readString(DIR.resolve("expected.json"))).get("lm");
        return ((Number) lm.get(key)).doubleValue();
    }

    private static Cli.Result score(String tokens, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("lm", "score", "--config", CONFIG, "--weights", WEIGHTS, "--tokens", tokens));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void reproducesTheReferenceLoss() throws IOException {
        double want = expected("loss");
        for (String batch : new String[]{"16", "5"}) { // one batch, and batches with a short last one
            Cli.Result r = score(DIR.resolve("tokens.txt").toString(), "--batch-size", batch);
            assertEquals(0, r.code(), r.err());
            Map<String, Object> j = r.json();
            double got = ((Number) j.get("loss")).doubleValue();
            assertTrue(Math.abs(got - want) <= 1e-4 * want, "loss " + got + " vs reference " + want + " (batch " + batch + ")");
            assertEquals(240L, j.get("tokens"));
            assertEquals(20L, j.get("seq_len"));
            assertTrue(r.err().contains("12/12"), "progress is shown: " + r.err());
        }
    }

    @Test
    void raggedLinesNameTheLine() throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve("tokens.txt"));
        String shortLine = lines.get(2).substring(0, lines.get(2).lastIndexOf(' '));
        Path f = write("ragged.txt", lines.get(0), lines.get(1), shortLine, lines.get(3));
        Cli.Result r = score(f.toString());
        assertTrue(r.failedWithOneMessage(), r.err());
        assertTrue(r.err().contains("line 3 has 20 token ids, but line 1 has 21"), r.err());
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() throws IOException {
        Path f = write("big.txt", "1 2 3 4", "5 6 61 7");
        Cli.Result r = score(f.toString());
        assertTrue(r.failedWithOneMessage(), r.err());
        assertTrue(r.err().contains("line 2, token 3: id 61 is out of range for vocab_size 61"), r.err());

        Cli.Result neg = score(write("neg.txt", "1 2 -3").toString());
        assertTrue(neg.err().contains("line 1, token 3: '-3' is not a token id"), neg.err());
    }

    @Test
    void sequencesLongerThanTheContextAreRejected() throws IOException {
        String line = String.join(" ", java.util.Collections.nCopies(26, "7")); // L = 25 > max_block_size 24
        Cli.Result r = score(write("long.txt", line).toString());
        assertTrue(r.failedWithOneMessage(), r.err());
        assertTrue(r.err().contains("inputs of length 25, more than the model's max_block_size 24"), r.err());
    }

    @Test
    void weightsThatDoNotFitTheConfigAreRejected() throws IOException {
        Path wider = write("wider.json", Files.readString(Path.of(CONFIG)).replace("\"vocab_size\": 61", "\"vocab_size\": 62"));
        Cli.Result r = Cli.run("lm", "score", "--config", wider.toString(), "--weights", WEIGHTS,
                "--tokens", DIR.resolve("tokens.txt").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cannot load into DualAttnTransformerLM") && r.err().contains("layers.token_embedder.weight"),
                r.err());

        Cli.Result vision = Cli.run("lm", "score", "--config", CONFIG, "--weights", DIR.resolve("vision.safetensors").toString(),
                "--tokens", DIR.resolve("tokens.txt").toString());
        assertTrue(vision.err().contains("missing tensor") && vision.err().contains("tensors not in the model"), vision.err());

        Cli.Result notLm = Cli.run("lm", "score", "--config", DIR.resolve("vision.json").toString(), "--weights", WEIGHTS,
                "--tokens", DIR.resolve("tokens.txt").toString());
        assertTrue(notLm.failedWithOneMessage(), notLm.err());
        assertTrue(notLm.err().contains("'VisionDualAttnTransformer', expected a language model"), notLm.err());
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(tmp.resolve(name), List.of(lines));
    }
}
