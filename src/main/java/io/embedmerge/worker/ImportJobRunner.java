package io.embedmerge.worker;

import io.embedmerge.job.ImportJobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.RunTicket;
import io.embedmerge.model.BuiltinModel;
import io.embedmerge.model.Pooling;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.storage.StorageLocation;
import io.embedmerge.storage.StorageProperties;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/** Runs an import job: ONNX export (built-in or from storage) → Hugging Face checkpoint folder. */
@Component
class ImportJobRunner {

    private final ObjectStorage storage;
    private final Path builtinCache;

    ImportJobRunner(ObjectStorage storage, StorageProperties properties) {
        this.storage = storage;
        this.builtinCache = Path.of(properties.cacheDir()).toAbsolutePath().resolve("builtin");
    }

    JobResult run(RunTicket ticket, ImportJobRequest request, ProgressReporter progress) {
        StorageLocation target = request.output() != null
                ? storage.resolve(request.output())
                : storage.defaultOutputFor(ticket.jobId().toString());
        Optional<BuiltinModel> builtin = BuiltinModel.fromSource(request.source());
        progress.stage("fetching", "locating " + request.source());
        Path onnx;
        Path tokenizer;
        if (builtin.isPresent()) {
            onnx = extract(builtin.get().onnxResource());
            tokenizer = extract(builtin.get().tokenizerResource());
        } else {
            onnx = LocalFiles.file(storage, request.source());
            tokenizer = request.tokenizer() != null
                    ? LocalFiles.file(storage, request.tokenizer())
                    : onnx.resolveSibling("tokenizer.json");
        }
        Pooling pooling = request.pooling() != null ? request.pooling() : builtin.map(BuiltinModel::pooling).orElse(Pooling.MEAN);
        int maxSeqLength = request.maxSeqLength() != null ? request.maxSeqLength()
                : builtin.map(BuiltinModel::maxSeqLength).orElse(512);

        progress.stage("converting", "reading the ONNX graph");
        try (BertOnnxImport imported = BertOnnxImport.read(onnx);
             OutputFolder output = storage.createOutput(target)) {
            progress.checkpoint();
            imported.write(output);
            try (OutputStream out = output.create("tokenizer.json")) {
                Files.copy(tokenizer, out);
            }
            SentenceTransformersFiles.write(output, pooling, maxSeqLength, imported.config().hiddenSize());
            progress.checkpoint();
            output.commit();
            return JobResult.of(new JobResult.Output(target.uri(), output.files()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Built-in files live inside jars; the reader memory-maps, so they are copied once into the cache. */
    private Path extract(String resource) {
        Path file = builtinCache.resolve(resource.substring(1));
        if (Files.isRegularFile(file)) {
            return file;
        }
        try (InputStream in = ImportJobRunner.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("built-in resource " + resource + " is missing from the classpath");
            }
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".part-" + UUID.randomUUID());
            Files.copy(in, partial);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource, e);
        }
    }
}
