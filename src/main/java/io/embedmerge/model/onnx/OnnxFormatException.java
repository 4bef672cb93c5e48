package io.embedmerge.model.onnx;

/** An ONNX file that cannot be read or does not have the structure an import needs. */
public class OnnxFormatException extends RuntimeException {

    public OnnxFormatException(String message) {
        super(message);
    }
}
