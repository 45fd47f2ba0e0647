using System.Globalization;
using MenSI.Hosting;

namespace MenSI.Benchmarks;

/// <summary>nginx from Debian's package as a plain reverse proxy to the same Registry: what an operator might pick instead of YARP.</summary>
public static class Nginx
{
    public static async Task<(ManagedProcess Process, int Port)> StartAsync(string upstream, string folder)
    {
        Directory.CreateDirectory(folder);
        var port = Ports.Free();
        var upstreamUri = new Uri(upstream);
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 2;
            daemon off;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
              upstream registry { server {{upstreamUri.Host}}:{{upstreamUri.Port}}; keepalive 64; }
              server {
                listen 127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}};
                location / {
                  proxy_pass http://registry;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                }
              }
            }
            """);
        var process = ManagedProcess.Start(new ProcessSpec("/usr/sbin/nginx", ["-c", config, "-p", folder]) { StopSignal = Signal.Terminate }, _ => { });
        for (var i = 0; i < 100 && Ports.IsFree(port); i++) await Task.Delay(50);
        return (process, port);
    }
}
