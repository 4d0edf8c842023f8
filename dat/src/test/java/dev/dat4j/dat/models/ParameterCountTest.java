package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The parameter counts of dat-spec §10 (which match the W&B logs of the published runs): every
 * configuration built in Java has exactly the spec's count, which the PyTorch reference also
 * computed ({@code param_counts.json}).
 */
class ParameterCountTest {

    @SuppressWarnings("unchecked")
    @TestFactory
    List<DynamicTest> specSection10Counts() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/golden/param_counts.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> entry : (List<Map<String, Object>>) Json.parseObject(json).get("configs")) {
            String name = (String) entry.get("name");
            long expected = ((Number) entry.get("expected")).longValue();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                assertEquals(expected, ((Number) entry.get("count")).longValue(), name + ": PyTorch reference count");
                ModelConfig config = ModelConfig.parse(Json.write(entry.get("config")));
                try (Scope _ = Scope.open(Backends.cpu())) {
                    assertEquals(expected, Models.create(config, new Generator(0)).numParameters(), name);
                }
            }));
        }
        assertEquals(24, tests.size());
        return tests;
    }
}
