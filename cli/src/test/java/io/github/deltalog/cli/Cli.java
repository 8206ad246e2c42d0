package io.github.deltalog.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in this JVM with captured output. */
final class Cli {
    private Cli() {}

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        /** Returns the standard output's lines. */
        String[] lines() {
            return out.isEmpty() ? new String[0] : out.split("\n");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
