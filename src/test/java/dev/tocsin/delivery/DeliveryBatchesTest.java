package dev.tocsin.delivery;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeliveryBatchesTest {

    @Test
    void roundTripsIds() {
        List<Long> ids = List.of(1L, 42L, 9_000_000_000L);
        assertEquals("1,42,9000000000", DeliveryBatches.encode(ids));
        assertEquals(ids, DeliveryBatches.decode(DeliveryBatches.encode(ids)));
        assertEquals(List.of(), DeliveryBatches.decode(""));
    }
}
