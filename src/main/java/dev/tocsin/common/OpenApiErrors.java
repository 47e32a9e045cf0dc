package dev.tocsin.common;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;
import java.util.Map;

/**
 * Declares the error body (ApiError: error, message, details) on every operation's 4xx answers, so that a
 * generated client knows what a refusal looks like.
 */
public class OpenApiErrors implements OASFilter {

    private static final Map<String, String> ANSWERS = Map.of(
            "400", "The request is not valid; message and details say what to fix.",
            "401", "Not signed in.",
            "403", "Signed in, but your roles do not allow this.",
            "404", "No such resource.",
            "409", "The resource is not in a state that allows this.");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema("ApiError", OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("Every refusal and error: a stable code, a sentence saying what to do, and details.")
                .addProperty("error", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                .addProperty("message", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                .addProperty("details", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .items(OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))))
                .required(List.of("error", "message")));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(this::addErrors));
    }

    private void addErrors(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        for (Map.Entry<String, String> answer : ANSWERS.entrySet()) {
            if (responses.hasAPIResponse(answer.getKey())) {
                continue;
            }
            responses.addAPIResponse(answer.getKey(), OASFactory.createAPIResponse().description(answer.getValue())
                    .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                            .schema(OASFactory.createSchema().ref("ApiError")))));
        }
    }
}
