namespace MenSI.Hosting;

/// <summary>
/// Every resource's output: to the console with a coloured prefix per resource (unless quiet, as in tests), and in
/// full to <c>logs/&lt;resource&gt;.log</c> in the state folder.
/// </summary>
public sealed class LogSink(StateFolder state, bool toConsole) : IDisposable
{
    private static readonly ConsoleColor[] Colors =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkYellow];

    private readonly Dictionary<string, StreamWriter> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsoleColor> _colors = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _width = 10;

    public bool ToConsole { get; } = toConsole;

    public void Write(string resource, string line)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(resource, out var file))
            {
                file = new StreamWriter(Path.Combine(state.LogsDirectory, $"{resource}.log"), append: true) { AutoFlush = true };
                _files[resource] = file;
                _colors[resource] = Colors[_colors.Count % Colors.Length];
                _width = Math.Max(_width, resource.Length);
            }

            file.WriteLine($"{DateTimeOffset.UtcNow:O} {line}");
            if (!ToConsole) return;
            Console.ForegroundColor = _colors[resource];
            Console.Write(resource.PadRight(_width));
            Console.Write(" | ");
            Console.ResetColor();
            Console.WriteLine(line);
        }
    }

    /// <summary>The engine's own messages, under the name <c>apphost</c>.</summary>
    public void Say(string message) => Write("apphost", message);

    public string LogFile(string resource) => Path.Combine(state.LogsDirectory, $"{resource}.log");

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var file in _files.Values) file.Dispose();
            _files.Clear();
        }
    }
}
