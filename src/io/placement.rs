//! Where a build may write: never into what it reads (the next build would read
//! its own output back, growing every time), never over the source, and a
//! publisher's DEST never inside the shared folder (whoever can write there
//! could change the live site) nor inside another portal's DEST. Paths are
//! compared after resolving symlinks, through the deepest folder that exists.

use super::scan::PARTS;
use std::path::{Component, Path, PathBuf};

/// `path` made absolute with every symlink resolved: the deepest existing
/// ancestor canonicalized, the parts that do not exist yet appended (`.` and
/// `..` among them applied as written).
pub fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    let mut out = base;
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => out.push(part),
        }
    }
    out
}

/// Whether two folders are the same or one holds the other.
pub fn overlap(a: &Path, b: &Path) -> bool {
    let (a, b) = (resolve(a), resolve(b));
    a.starts_with(&b) || b.starts_with(&a)
}

/// Why a folder may not receive a build: a message and a hint, in Chinese.
pub type Refusal = (String, String);

/// `dwgk build -o OUTPUT` for the site at `root`: not the site folder or a folder
/// holding it, not inside what the build reads (`content/`, `static/`,
/// `templates/`, `themes/`). Other folders of the site (the default `public/`)
/// are fine.
pub fn check_output(root: &Path, output: &Path) -> Result<(), Refusal> {
    let (site, out) = (resolve(root), resolve(output));
    if site.starts_with(&out) {
        return Err((
            format!("输出目录 {} 就是站点文件夹或包含了它：生成时会替换整个文件夹", output.display()),
            "用站点文件夹外的目录，或站点里默认的 public/，例如 -o /srv/dwgk/site".into(),
        ));
    }
    for part in PARTS.iter().filter(|p| !p.contains('.')) {
        if out.starts_with(site.join(part)) {
            return Err((
                format!("输出目录 {} 在站点的 {part}/ 里面：每次生成都会把上一次的输出当作源文件再读一遍", output.display()),
                "输出目录不能放在 content/、static/、templates/、themes/ 里；用默认的 public/，或站点文件夹外的目录".into(),
            ));
        }
    }
    Ok(())
}

/// `dwgk publish --dest DEST` from `source`: DEST entirely outside the source
/// (the shared folder), and the source not inside DEST.
pub fn check_dest(source: &Path, dest: &Path) -> Result<(), Refusal> {
    let (src, d) = (resolve(source), resolve(dest));
    if d.starts_with(&src) {
        return Err((
            format!(
                "发布目录 {} 在源文件夹 {} 里面：能往共享文件夹放文件的人就能改动线上网站，每次生成也会把发布的版本当作源文件读进来",
                dest.display(),
                source.display()
            ),
            "发布目录放在服务器本地磁盘上、源文件夹之外，例如 --dest /srv/dwgk/public".into(),
        ));
    }
    if src.starts_with(&d) {
        return Err((
            format!("源文件夹 {} 在发布目录 {} 里面", source.display(), dest.display()),
            "源文件夹（共享文件夹的挂载点）和发布目录用两个互不包含的目录，例如 --source /mnt/share/dwgk --dest /srv/dwgk/public".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn dests_must_be_apart() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("public"), tmp.path().join("internal"));
        assert!(!overlap(&a, &b));
        assert!(overlap(&a, &a.join(".")), "the same folder");
        assert!(overlap(&a, &a.join("internal")) && overlap(&a.join("x"), &a), "one inside the other");
        std::fs::create_dir_all(&b).unwrap();
        symlink(&b, &a).unwrap();
        assert!(overlap(&a, &b), "a link to the other");
        assert!(overlap(&a.join("new/deeper"), &b), "a folder that does not exist yet, under a link");
        assert!(!overlap(&tmp.path().join("pub"), &tmp.path().join("public")), "a shared prefix is not nesting");
    }

    #[test]
    fn outputs_stay_out_of_what_the_build_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("content/notices")).unwrap();
        assert!(check_output(&site, &site.join("public")).is_ok(), "the default");
        assert!(check_output(&site, &tmp.path().join("out")).is_ok());
        assert!(check_output(&site, &site.join("content/out")).unwrap_err().0.contains("content/ 里面"));
        assert!(check_output(&site, &site.join("static")).is_err());
        assert!(check_output(&site, &site).is_err() && check_output(&site, tmp.path()).is_err(), "the site itself, or above it");
        symlink(site.join("content/notices"), tmp.path().join("link")).unwrap();
        assert!(check_output(&site, &tmp.path().join("link/out")).is_err(), "through a link");
    }

    #[test]
    fn a_dest_is_never_inside_the_share() {
        let tmp = tempfile::tempdir().unwrap();
        let share = tmp.path().join("share");
        std::fs::create_dir_all(share.join("content")).unwrap();
        assert!(check_dest(&share, &tmp.path().join("dest")).is_ok());
        assert!(check_dest(&share, &share.join("public")).is_err(), "not even the site's public/");
        assert!(check_dest(&share, &share.join("content/pubdest")).is_err());
        assert!(check_dest(&share.join("content"), &share).is_err(), "the source inside DEST");
    }
}
