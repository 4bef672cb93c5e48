package io.embedmerge;

import io.embedmerge.bench.BenchCommand;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class EmbedMergeApplication {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("demo-checkpoints")) {
            DemoCheckpointsCommand.run(args);
            return;
        }
        if (args.length > 0 && args[0].equals("bench")) {
            BenchCommand.run(args);
            return;
        }
        SpringApplication.run(EmbedMergeApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
