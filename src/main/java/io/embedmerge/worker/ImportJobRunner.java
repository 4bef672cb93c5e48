package io.embedmerge.worker;

import io.embedmerge.dataset.DataFiles;
import io.embedmerge.job.ImportJobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.RunTicket;
import io.embedmerge.model.BuiltinModel;
import io.embedmerge.model.ImportedTokenizer;
import io.embedmerge.model.Pooling;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.TokenizerFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.storage.ResourceCache;
import io.embedmerge.storage.StorageLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Runs an import job: ONNX export (built-in or from storage) → Hugging Face checkpoint folder. */
@Component
class ImportJobRunner {

    private final ObjectStorage storage;
    private final ResourceCache resources;
    private final DataFiles files;

    ImportJobRunner(ObjectStorage storage, ResourceCache resources, DataFiles files) {
        this.storage = storage;
        this.resources = resources;
        this.files = files;
    }

    JobResult run(RunTicket ticket, ImportJobRequest request, ProgressReporter progress) {
        StorageLocation target = request.output() != null
                ? storage.resolve(request.output())
                : storage.defaultOutputFor(ticket.jobId().toString());
        Optional<BuiltinModel> builtin = BuiltinModel.fromSource(request.source());
        List<ProgressSpan> plan = ProgressSpan.WHOLE.split(1, 4, 5);
        progress.stage("fetching", "locating " + request.source(), plan.get(0));
        Path onnx;
        Path tokenizer;
        if (builtin.isPresent()) {
            onnx = resources.extract(builtin.get().onnxResource());
            tokenizer = resources.extract(builtin.get().tokenizerResource());
        } else {
            onnx = files.file(request.source());
            tokenizer = request.tokenizer() != null
                    ? files.file(request.tokenizer())
                    : files.file(
                            request.source().substring(0, request.source().lastIndexOf('/') + 1) + "tokenizer.json");
        }
        Pooling pooling = request.pooling() != null
                ? request.pooling()
                : builtin.map(BuiltinModel::pooling).orElse(Pooling.MEAN);
        int maxSeqLength = request.maxSeqLength() != null
                ? request.maxSeqLength()
                : builtin.map(BuiltinModel::maxSeqLength).orElse(512);

        progress.stage("converting", "reading the ONNX graph", plan.get(1));
        try (BertOnnxImport imported = BertOnnxImport.read(onnx);
                OutputFolder output = storage.createOutput(target)) {
            progress.stage("converting", "writing the checkpoint", plan.get(2));
            imported.write(output, progress.units("converting", "writing the checkpoint", "tensor"));
            ImportedTokenizer adjusted = ImportedTokenizer.read(tokenizer).truncatedAt(maxSeqLength);
            if (builtin.map(BuiltinModel::lowercase).orElse(false)) {
                adjusted = adjusted.lowercased();
            }
            TokenizerFiles.write(output, adjusted, maxSeqLength);
            SentenceTransformersFiles.write(
                    output, pooling, maxSeqLength, imported.config().hiddenSize());
            progress.checkpoint();
            output.commit();
            return JobResult.of(new JobResult.Output(target.uri(), output.files()));
        }
    }
}
