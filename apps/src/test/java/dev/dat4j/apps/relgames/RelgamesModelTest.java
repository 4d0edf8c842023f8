package dev.dat4j.apps.relgames;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.dat.config.VisionDualAttnTransformerConfig;
import dev.dat4j.dat.config.VisionTransformerConfig;
import dev.dat4j.dat.models.Models;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paper's Relational Games models (dat-spec §8.1) and their names. */
class RelgamesModelTest {

    private static long parameters(RelgamesModel m) {
        try (Scope s = Scope.open(Backends.cpu())) {
            return Models.create(m.config(), new Generator(0)).numParameters();
        }
    }

    @Test
    void parameterCountsMatchThePaperRuns() {
        // W&B-logged counts of the ERA-1 runs behind the published learning curves (dat-spec §8.1, §10)
        assertEquals(386_914, parameters(RelgamesModel.transformer()));
        assertEquals(404_706, parameters(RelgamesModel.dat(1, 1)));
        assertEquals(421_474, parameters(RelgamesModel.dat(0, 2)));
    }

    @Test
    void configsAreTheEra1VisionModels() {
        var t = assertInstanceOf(VisionTransformerConfig.class, RelgamesModel.transformer().config());
        assertEquals(2, t.nHeads());
        assertFalse(t.finalNorm(), "era 1: no LayerNorm before the classifier");
        assertFalse(t.bias());
        assertEquals("mean", t.pool());
        assertEquals(10, t.geometry().numTokens());
        var d = assertInstanceOf(VisionDualAttnTransformerConfig.class, RelgamesModel.dat(0, 2).config());
        assertEquals(0, d.nHeadsSa());
        assertEquals(2, d.nHeadsRa());
        assertEquals(256, d.dff());
        assertTrue(d.normFirst());
        assertEquals(0.1, d.dropoutRate());
    }

    @Test
    void namesRoundTrip() {
        for (String n : new String[]{"transformer", "transformer8", "dat11", "dat02", "dat_sa0_ra16"}) {
            assertEquals(n, RelgamesModel.parse(n).name());
        }
        assertEquals(RelgamesModel.dat(0, 2), RelgamesModel.parse("DAT_SA0_RA2"));
        assertEquals(RelgamesModel.dat(0, 2), RelgamesModel.of("dat", null, null));
        assertEquals(RelgamesModel.transformer(), RelgamesModel.of("transformer", null, null));
        assertEquals("DAT (1,1)", RelgamesModel.dat(1, 1).label());
    }

    @Test
    void badModelsAreRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RelgamesModel.parse("lstm")).getMessage()
                .contains("expected transformer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RelgamesModel.of("transformer", 2, 1)).getMessage()
                .contains("--ra 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RelgamesModel.of("dat", 2, 0)).getMessage()
                .contains("--ra >= 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RelgamesModel.of("dat", 1, 2)).getMessage()
                .contains("must divide d_model 128"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RelgamesModel.of("cnn", 1, 2)).getMessage()
                .contains("unknown --model"));
    }
}
