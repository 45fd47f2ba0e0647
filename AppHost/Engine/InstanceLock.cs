namespace MenSI.Hosting;

/// <summary>
/// One AppHost per state folder: an exclusive lock on a file inside it (an advisory <c>flock</c>, released by the kernel
/// however the holder ends), holding the holder's PID so a second AppHost can say who has it. Taken before anything in
/// the folder is touched, <c>--fresh</c>'s wipe included.
/// </summary>
public sealed class InstanceLock : IDisposable
{
    public const string FileName = "apphost.lock";
    private readonly FileStream _file;

    private InstanceLock(FileStream file) => _file = file;

    public static InstanceLock? TryAcquire(string stateDirectory, out string holder)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true)) writer.Write(Environment.ProcessId);
            file.Flush();
            holder = "";
            return new InstanceLock(file);
        }
        catch (IOException)
        {
            try { holder = File.ReadAllText(path).Trim(); }
            catch (IOException) { holder = "unknown"; }
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
