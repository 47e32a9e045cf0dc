package dev.tocsin.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Every JSON answer ends with a newline, so `curl` output does not run into the shell prompt and answers
 * can be read line by line. Serialises with the application's ObjectMapper (its settings apply as before).
 */
@Provider
@Produces({MediaType.APPLICATION_JSON, "application/*+json"})
public class JsonLineWriter implements MessageBodyWriter<Object> {

    @Inject
    ObjectMapper mapper;

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return mediaType != null && (mediaType.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                || mediaType.getSubtype().endsWith("+json"))
                && !CharSequence.class.isAssignableFrom(type) && type != byte[].class
                && !jakarta.ws.rs.core.StreamingOutput.class.isAssignableFrom(type)
                && !java.io.InputStream.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(Object value, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        // Jackson closes the stream it wrote to; the newline must still follow.
        mapper.writerFor(mapper.constructType(genericType != null ? genericType : type)).writeValue(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
            }
        }, value);
        out.write('\n');
    }
}
