/**
 * The {@code deltalog} command: {@link io.github.deltalog.cli.Main} is the entry point; its subcommands are
 * {@code demo}, {@code stats}, {@code dump}, {@code purge} and {@code verify}.
 */
package io.github.deltalog.cli;
