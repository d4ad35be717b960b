package io.srlm.e2e;

/** Captures the named loggers (at DEBUG) into a writer while open, through log4j2 (Spark's logging backend). */
final class LogCapture implements AutoCloseable {
  private final org.apache.logging.log4j.core.LoggerContext context;
  private final org.apache.logging.log4j.core.Appender appender;
  private final java.util.Map<String, org.apache.logging.log4j.Level> before = new java.util.HashMap<>();

  private LogCapture(java.io.Writer out, String... loggers) {
    context = (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
    appender = org.apache.logging.log4j.core.appender.WriterAppender.newBuilder().setName("srlm-log-capture")
        .setTarget(out).setLayout(org.apache.logging.log4j.core.layout.PatternLayout.newBuilder()
            .withPattern("%p %c %m%n").build()).build();
    appender.start();
    var config = context.getConfiguration();
    config.addAppender(appender);
    for (String name : loggers) {
      before.put(name, org.apache.logging.log4j.LogManager.getLogger(name).getLevel());
      org.apache.logging.log4j.core.config.Configurator.setLevel(name, org.apache.logging.log4j.Level.DEBUG);
      config.getLoggerConfig(name).addAppender(appender, org.apache.logging.log4j.Level.DEBUG, null);
      config.getLoggerConfig(name).setAdditive(false); // captured only, not also flooding the console
    }
    context.updateLoggers();
  }

  static LogCapture start(java.io.Writer out, String... loggers) {
    return new LogCapture(out, loggers);
  }

  @Override
  public void close() {
    var config = context.getConfiguration();
    for (var e : before.entrySet()) {
      config.getLoggerConfig(e.getKey()).removeAppender(appender.getName());
      config.getLoggerConfig(e.getKey()).setAdditive(true);
      org.apache.logging.log4j.core.config.Configurator.setLevel(e.getKey(), e.getValue());
    }
    context.updateLoggers();
    appender.stop();
  }
}
