package dev.tocsin.audience;

import dev.tocsin.testing.EmbeddedProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every upload promise again on the embedded default (H2), whose batches take another path (look-up, INSERT of
 * what is new, MERGE of what is known; {@link AccountMerges}) than PostgreSQL's COPY and set-based statements.
 */
@QuarkusTest
@TestProfile(EmbeddedProfile.class)
class EmbeddedAccountUploadTest extends AccountUploadTest {
}
