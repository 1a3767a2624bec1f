//! Traces: an OTLP receiver batching spans to Tempo.

use o11yc_alloy::{Block, Expr};

use super::Context;

/// OTLP gRPC port.
pub const OTLP_GRPC_PORT: u16 = 4317;
/// OTLP HTTP port.
pub const OTLP_HTTP_PORT: u16 = 4318;

/// Adds the OTLP receiver when the profile asks for it.
pub(super) fn add(cx: &mut Context) {
    if !cx.alloy.traces.otlp {
        return;
    }
    let endpoint = cx.stack.tempo_otlp_grpc_endpoint().unwrap_or_default();
    cx.host.ports.push(("otlp-grpc".to_owned(), OTLP_GRPC_PORT));
    cx.host.ports.push(("otlp-http".to_owned(), OTLP_HTTP_PORT));
    cx.blocks.push(
        Block::labeled("otelcol.receiver.otlp", "default")
            .comment("OTLP from applications, batched and forwarded to Tempo.")
            .block(Block::new("grpc", None).attr("endpoint", format!("0.0.0.0:{OTLP_GRPC_PORT}")))
            .block(Block::new("http", None).attr("endpoint", format!("0.0.0.0:{OTLP_HTTP_PORT}")))
            .block(Block::new("output", None).attr(
                "traces",
                Expr::array([Expr::reference("otelcol.processor.batch.default.input")]),
            )),
    );
    cx.blocks
        .push(Block::labeled("otelcol.processor.batch", "default").block(
            Block::new("output", None).attr(
                "traces",
                Expr::array([Expr::reference("otelcol.exporter.otlp.tempo.input")]),
            ),
        ));
    cx.blocks.push(
        Block::labeled("otelcol.exporter.otlp", "tempo").block(
            Block::new("client", None)
                .attr("endpoint", endpoint)
                .block(Block::new("tls", None).attr("insecure", true)),
        ),
    );
}
