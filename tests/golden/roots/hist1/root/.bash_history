ls -la

cd /tmp
#notastamp
  indented  
exit