; Inno Setup script for the Windows installer of PartnerDesk (Inno Setup 6).
; Build the bundle first on Windows:  pyinstaller --noconfirm packaging\partnerdesk.spec
; then:  iscc /DAppVersion=0.1.0 packaging\windows\partnerdesk.iss
; Output: dist\PartnerDesk-<version>-windows-x64-setup.exe
;
; Installs for the current user only (no administrator rights, no IT help): the program
; goes to %LOCALAPPDATA%\Programs\PartnerDesk; the records stay in the data folder
; (%LOCALAPPDATA%\PartnerDesk), which the installer and the uninstaller never touch.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F2D4C1E-8B7A-4E55-9D0B-3A1F2C7E9B44}
AppName=PartnerDesk
AppVersion={#AppVersion}
AppPublisher=The PartnerDesk developers
DefaultDirName={autopf}\PartnerDesk
DefaultGroupName=PartnerDesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=PartnerDesk-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\partnerdesk.ico
UninstallDisplayIcon={app}\PartnerDesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
; A newer version installs over an older one; PartnerDesk must be closed first.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole PyInstaller folder: PartnerDesk.exe (window), partnerdesk-cli.exe (commands)
; and _internal\ (Python, Qt, fonts, icons, the user guide and the migrations).
Source: "..\..\dist\PartnerDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Files of an older version that a newer one no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\PartnerDesk"; Filename: "{app}\PartnerDesk.exe"
Name: "{autodesktop}\PartnerDesk"; Filename: "{app}\PartnerDesk.exe"; Tasks: desktopicon

[Registry]
; .partnerdesk files open in PartnerDesk, which starts the import preview.
Root: HKA; Subkey: "Software\Classes\.partnerdesk"; ValueType: string; ValueName: ""; ValueData: "PartnerDesk.Bundle"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.partnerdesk"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-partnerdesk-bundle"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\PartnerDesk.Bundle"; ValueType: string; ValueName: ""; ValueData: "PartnerDesk bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\PartnerDesk.Bundle\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\PartnerDesk.exe,0"
Root: HKA; Subkey: "Software\Classes\PartnerDesk.Bundle\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\PartnerDesk.exe"" ""%1"""

[Run]
Filename: "{app}\PartnerDesk.exe"; Description: "{cm:LaunchProgram,PartnerDesk}"; Flags: nowait postinstall skipifsilent
