using Baton.Values;

namespace Baton.Providers.Nginx;

/// <summary>The schema of the nginx family. Every default is written here.</summary>
internal static class NginxSchema
{
    public const string SiteType = "nginx.site";

    public static ResourceTypeSchema Site { get; } = new()
    {
        Type = SiteType,
        Description = "A load-balanced site on the provider's own nginx: one config file per site, checked with nginx -t on the whole configuration before every reload.",
        Attributes =
        [
            AttributeSchema.Input("listen", BatonType.Int, "The port nginx listens on (1..65535).") with { Required = true },
            AttributeSchema.Input("address", BatonType.String, "The address nginx binds.") with { Default = Value.String("127.0.0.1") },
            AttributeSchema.Input("upstream", BatonType.ListOf(BatonType.String), "The backends, \"host:port\" each (typically ${web.endpoints}); at least one.") with { Required = true },
            AttributeSchema.Input("balance", BatonType.String, "round_robin, least_conn or ip_hash.") with { Default = Value.String("round_robin") },
            AttributeSchema.Input("max_fails", BatonType.Int, "Failed attempts within fail_timeout after which a backend is taken out for fail_timeout (0 disables).") with { Default = Value.Number(1) },
            AttributeSchema.Input("fail_timeout", BatonType.String, "See max_fails.") with { Default = Value.String("10s") },
            AttributeSchema.Input("connect_timeout", BatonType.String, "How long connecting to a backend may take before the next one is tried (a backend going away may swallow a connection rather than refuse it).") with { Default = Value.String("2s") },
            AttributeSchema.Input("status_path", BatonType.String, "A path on the site that answers nginx's stub_status (connections and requests served), to loopback clients only; none when left out."),
            AttributeSchema.Input("locations", BatonType.AnyMap, "Path prefix (\"/api/\") -> exactly one of { proxy: true } (to the upstream; what \"/\" does unless given), { return: \"CODE [text]\" }, { root: DIR } or { alias: DIR } (a static directory relative to the stack directory, inside it; an alias location ends with /), plus optional headers: { NAME: value } (add_header). Values may not hold control characters or $."),
            AttributeSchema.Output("id", BatonType.String, "The site's id; also its config file's name."),
            AttributeSchema.Output("url", BatonType.String, "http://ADDRESS:LISTEN"),
            AttributeSchema.Output("status_url", BatonType.String, "url + status_path; null without a status_path."),
            AttributeSchema.Output("config_file", BatonType.String, "The site's config file."),
            AttributeSchema.Output("config_sha256", BatonType.String, "The SHA-256 of the site's config file as written; a different file on disk is drift."),
        ],
    };

    public static ProviderSchema Provider { get; } = new()
    {
        Family = "nginx",
        Description = "Load balancing on a private nginx the provider starts and reloads.",
        Configuration =
        [
            AttributeSchema.Input("binary", BatonType.String, "The nginx program: a name looked up on PATH (then /usr/sbin) or a path.") with { Default = Value.String("nginx") },
            AttributeSchema.Input("base_dir", BatonType.String, "The private nginx's directory (nginx.conf, sites/, pid, logs), relative to the stack directory. Default: STATE/nginx."),
        ],
        ResourceTypes = [Site],
    };
}
