package dev.tocsin.common;

import dev.tocsin.testing.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a person sees with curl: every JSON answer, success or error, ends its last line. */
@QuarkusTest
class JsonAnswersTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void jsonAnswersEndWithANewline() {
        String list = TestUsers.admin().get("/api/users").then().statusCode(200)
                .contentType("application/json").extract().asString();
        assertTrue(list.startsWith("[") && list.endsWith("]\n"), list);
        String error = TestUsers.as(TestUsers.OPERATOR).get("/api/campaigns/no-such-campaign").then().statusCode(404)
                .contentType("application/json").extract().asString();
        assertTrue(error.startsWith("{") && error.endsWith("}\n"), error);
    }
}
