package io.embedmerge.mergekit;

import io.embedmerge.job.JobRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.stereotype.Component;

/** Reads a {@code Content-Type: application/yaml} job submission as a mergekit merge config. Read only. */
@Component
public class MergekitYamlConverter extends AbstractHttpMessageConverter<JobRequest> {

    public static final String YAML = "application/yaml";

    private final MergekitConfigReader reader;

    public MergekitYamlConverter(MergekitConfigReader reader) {
        super(StandardCharsets.UTF_8, MediaType.parseMediaType(YAML));
        this.reader = reader;
    }

    @Override
    protected boolean supports(Class<?> type) {
        return JobRequest.class.isAssignableFrom(type);
    }

    @Override
    protected boolean canWrite(MediaType mediaType) {
        return false;
    }

    @Override
    protected JobRequest readInternal(Class<? extends JobRequest> type, HttpInputMessage input) throws IOException {
        return reader.read(new String(input.getBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Override
    protected void writeInternal(JobRequest request, HttpOutputMessage output) {
        throw new UnsupportedOperationException("mergekit configs are written by MergekitConfigWriter");
    }
}
