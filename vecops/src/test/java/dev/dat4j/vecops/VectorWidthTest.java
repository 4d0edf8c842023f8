package dev.dat4j.vecops;

import java.lang.management.ManagementFactory;
import java.util.stream.Stream;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Proves which vector width this test JVM runs: the vecops suite runs three times (preferred,
 * -XX:MaxVectorSize=32, -XX:MaxVectorSize=16) and this test's name in each report carries the width.
 */
class VectorWidthTest {

    @TestFactory
    Stream<DynamicTest> speciesWidthFollowsMaxVectorSize() {
        int bits = VectorBackend.vectorBits();
        return Stream.of(DynamicTest.dynamicTest("VectorBackend runs " + bits + "-bit vectors", () -> {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            int maxVectorBytes = Integer.parseInt(vm.getVMOption("MaxVectorSize").getValue());
            System.out.println("VectorBackend species: " + bits + "-bit (MaxVectorSize=" + maxVectorBytes + ")");
            assertEquals(8 * maxVectorBytes, bits, "preferred species width vs -XX:MaxVectorSize");
            assertEquals("cpu-vector(" + bits + "-bit)", new VectorBackend().name());
        }));
    }
}
