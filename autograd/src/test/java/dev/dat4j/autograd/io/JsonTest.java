package dev.dat4j.autograd.io;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonTest {
    @Test
    void roundTripsNestedValues() {
        String text = "{\"d_model\": 128, \"lr\": 1e-3, \"name\": \"a\\\"b\\u00e9\", \"xs\": [1, 2.5, true, null], \"o\": {}}";
        Map<String, Object> m = Json.parseObject(text);
        assertEquals(128L, m.get("d_model"));
        assertEquals(1e-3, (Double) m.get("lr"));
        assertEquals("a\"bé", m.get("name"));
        assertEquals(List.of(1L, 2.5, true), ((List<?>) m.get("xs")).subList(0, 3));
        assertEquals(m, Json.parseObject(Json.write(m)));
    }

    @Test
    void syntaxErrorsNameTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": [1, }"));
        assertTrue(e.getMessage().contains("offset 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }
}
