# Builds the Windows installer of ctgdesk (run from any folder, in PowerShell):
#   powershell -ExecutionPolicy Bypass -File installers\windows\build-windows.ps1
# Needs Python 3.11+ and Inno Setup 6.3+ (iscc.exe on the PATH or in its default folder).
# Gives dist\ctgdesk\ (the PyInstaller folder) and dist\ctgdesk-VERSION-windows-installation.exe.
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root
$Started = Get-Date

$Version = (Select-String -Path "ctgdesk\__init__.py" -Pattern '^__version__ = "(.+)"$').Matches[0].Groups[1].Value
Write-Host "[build-windows] ctgdesk $Version"

$Venv = "build\venv-installer"
if (-not (Test-Path "$Venv\Scripts\python.exe")) { python -m venv $Venv }
& "$Venv\Scripts\python.exe" -m pip install -q --upgrade pip
& "$Venv\Scripts\python.exe" -m pip install -q "$Root" "pyinstaller>=6.10,<7"
if ($LASTEXITCODE -ne 0) { throw "pip install a échoué" }

& "$Venv\Scripts\pyinstaller.exe" --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller installers\ctgdesk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller a échoué" }

$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $Iscc /Q "/DAppVersion=$Version" installers\windows\ctgdesk.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup a échoué" }

$Size = "{0:N0} Mo" -f ((Get-ChildItem dist\ctgdesk -Recurse | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "[build-windows] dossier : dist\ctgdesk ($Size)"
Write-Host "[build-windows] installateur : dist\ctgdesk-$Version-windows-installation.exe"
Write-Host ("[build-windows] durée : {0:N0} s" -f ((Get-Date) - $Started).TotalSeconds)
