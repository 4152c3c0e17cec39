package org.dualflow.pipeline;

/** A user's configuration mistake: the message names the key or file and the fix. Exit 2. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
