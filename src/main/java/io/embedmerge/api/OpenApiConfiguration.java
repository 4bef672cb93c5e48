package io.embedmerge.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.servers.Server;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI embedMergeOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("embed-merge")
                        .version("v1")
                        .description("""
                        Merges fine-tuned text-embedding models (BERT-family encoders) with the methods of \
                        "Improving General Text Embedding Model: Tackling Task Conflict and Data Imbalance through \
                        Model Merging" (arXiv 2410.15035). Submit a job, follow its progress and events, fetch the \
                        merged checkpoint. Errors are RFC 9457 problem details with field-level `errors`.""")
                        .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
                .addServersItem(new Server().url("/").description("This service"));
    }
}
